package org.easycv4j.tools;

import java.util.List;
import java.util.Map;
import org.easycv4j.core.dist.DeviceCollective;
import org.easycv4j.core.dist.Nccl;

/**
 * The environment variables a launch turns into settings: read here, at the edge, and passed on as overrides
 * below the command line's own, so that core reads configuration only.
 */
final class LaunchEnvironment {
    private LaunchEnvironment() {}

    /** {@code EASYCV4J_NCCL} (auto / 1 / 0, as cluster scripts set it) as {@code dist_params.backend}. */
    static List<String> overrides(Map<String, String> environment) {
        String nccl = environment.get(Nccl.MODE_ENV);
        if (nccl == null || nccl.isBlank()) {
            return List.of();
        }
        return List.of("dist_params.backend=" + DeviceCollective.fromEnvironment(nccl).configName());
    }

    /** The device collective of a command that averages gradients without a config (bench-allreduce). */
    static DeviceCollective deviceCollective(Map<String, String> environment) {
        String nccl = environment.get(Nccl.MODE_ENV);
        return nccl == null || nccl.isBlank() ? DeviceCollective.AUTO : DeviceCollective.fromEnvironment(nccl);
    }
}
