package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.dist.DeviceCollective;
import org.easycv4j.core.runner.ExperimentLoader;
import org.junit.jupiter.api.Test;

/** EASYCV4J_NCCL is read at the launch edge only, as a dist_params.backend override below the command line's. */
class LaunchEnvironmentTest {
    private static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf");

    private static DeviceCollective backend(List<String> overrides) {
        return new ExperimentLoader().load(TOY, overrides, new java.util.Properties()).experiment().deviceCollective();
    }

    @Test
    void theVariableBecomesTheConfigsBackendAndTheCommandLineStillWins() {
        assertEquals(List.of(), LaunchEnvironment.overrides(Map.of()));
        assertEquals(List.of("dist_params.backend=host"), LaunchEnvironment.overrides(Map.of("EASYCV4J_NCCL", "0")));
        assertEquals(List.of("dist_params.backend=nccl"), LaunchEnvironment.overrides(Map.of("EASYCV4J_NCCL", "on")));
        assertEquals(List.of("dist_params.backend=auto"), LaunchEnvironment.overrides(Map.of("EASYCV4J_NCCL", "auto")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchEnvironment.overrides(Map.of("EASYCV4J_NCCL", "yes")));
        assertEquals("EASYCV4J_NCCL=yes: expected auto, 0 or 1", e.getMessage());

        assertEquals(DeviceCollective.AUTO, backend(List.of()), "reference.conf's default");
        assertEquals(DeviceCollective.HOST, backend(LaunchEnvironment.overrides(Map.of("EASYCV4J_NCCL", "0"))));
        List<String> both = new java.util.ArrayList<>(LaunchEnvironment.overrides(Map.of("EASYCV4J_NCCL", "0")));
        both.add("dist_params.backend=nccl");
        assertEquals(DeviceCollective.NCCL, backend(both), "a --set after the environment's override wins");
    }
}
