package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.runner.hooks.CheckpointHook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointResumeTest {

    private static Runner runner(Path workDir, String... sets) {
        return TrainRuns.runner(workDir, sets);
    }

    private static List<Double> losses(Path workDir) throws IOException {
        return TrainRuns.losses(workDir);
    }

    @Test
    void resumingAfterAnEpochReproducesTheUninterruptedRunExactly(@TempDir Path dir) throws Exception {
        Path full = dir.resolve("full");
        runner(full, "total_epochs=4").train(false);
        Path part = dir.resolve("part");
        runner(part, "total_epochs=2").train(false);
        CheckpointState state = Checkpoints.readState(part.resolve("epoch_2"));
        assertEquals(2, state.epoch());
        assertEquals(8, state.iter());
        assertEquals(8, state.optimizerSteps());
        runner(part, "total_epochs=4", "resume_from=\"" + part.resolve("epoch_2") + "\"").train(false);
        List<Double> a = losses(full);
        List<Double> b = losses(part);
        assertEquals(16, a.size());
        assertEquals(a, b, "every logged loss of the resumed run equals the uninterrupted run's");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> wa = SafeTensors.read(full.resolve("epoch_4").resolve(Checkpoints.MODEL), m);
            Map<String, NDArray> wb = SafeTensors.read(part.resolve("epoch_4").resolve(Checkpoints.MODEL), m);
            assertEquals(wa.keySet(), wb.keySet());
            for (String k : wa.keySet()) {
                assertTrue(wa.get(k).contentEquals(wb.get(k)), k);
            }
        }
    }

    @Test
    void keepsTheLastKCheckpointsAndNamesTheLatest(@TempDir Path dir) throws Exception {
        runner(dir, "total_epochs=5", "checkpoint_config={interval=1, max_keep_ckpts=2}").train(false);
        assertFalse(Files.exists(dir.resolve("epoch_3")));
        assertTrue(Files.isDirectory(dir.resolve("epoch_4")));
        assertTrue(Files.isDirectory(dir.resolve("epoch_5")));
        assertEquals("epoch_5", Files.readString(dir.resolve(CheckpointHook.LATEST)));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary left");
        }
        String config = Checkpoints.readConfig(dir.resolve("epoch_5"));
        assertTrue(config.contains("total_epochs"), "the sidecar carries the resolved config");
    }

    @Test
    void aCheckpointIsNeverOverwrittenAndAFailedWriteLeavesNothingBehind(@TempDir Path dir) throws Exception {
        runner(dir, "total_epochs=1").train(false);
        byte[] before = Files.readAllBytes(dir.resolve("epoch_1").resolve(Checkpoints.MODEL));
        IOException e = assertThrows(IOException.class, () -> Checkpoints.save(dir.resolve("epoch_1"), List.of(),
                null, new CheckpointState(1, 1, 1, 0, Map.of()), "", "{}"));
        assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
        assertTrue(Arrays.equals(before, Files.readAllBytes(dir.resolve("epoch_1").resolve(Checkpoints.MODEL))));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "temporary folder removed");
        }
    }

    @Test
    void evaluateLoadsACheckpointAndResumeRefusesAFinishedRun(@TempDir Path dir) throws Exception {
        runner(dir, "total_epochs=2").train(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner(dir, "total_epochs=2", "resume_from=\"" + dir.resolve("epoch_2") + "\"").train(false));
        assertTrue(e.getMessage().contains("leaves nothing to train"), e.getMessage());
        IOException wrong = assertThrows(IOException.class,
                () -> runner(dir.resolve("x"), "model.in_features=3", "vars.features=3",
                        "load_from=\"" + dir.resolve("epoch_2") + "\"").train(false));
        assertTrue(wrong.getMessage().contains("weight has shape"), wrong.getMessage());
    }
}
