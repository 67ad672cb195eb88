package org.easycv4j.tools;

import static org.easycv4j.tools.StopRuns.assertComplete;
import static org.easycv4j.tools.StopRuns.assertSameRecords;
import static org.easycv4j.tools.StopRuns.pauseAt;
import static org.easycv4j.tools.StopRuns.records;
import static org.easycv4j.tools.StopRuns.train;
import static org.easycv4j.tools.StopRuns.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.dist.MpiRun;
import org.easycv4j.core.runner.StopSignals;
import org.easycv4j.core.runner.CheckpointHook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mpirun -np 2 ... train --launcher mpi} stopped by a signal to one rank, or to mpirun, and continued with
 * {@code --auto-resume} on 2 ranks (exactly the uninterrupted 2-rank run) or in one process with the same 32 images
 * per iteration (the same run to float rounding). 16 images per rank, 16 batches per epoch; shared memory only.
 */
class DistributedPreemptionTest {
    @TempDir
    static Path shared;
    private static Path reference;

    private static List<String> ranks(Path work, String... extra) {
        List<String> a = new ArrayList<>(List.of(extra));
        a.addAll(List.of("--set", "data.imgs_per_gpu=16", "--launcher", "mpi"));
        return StopRuns.ranks(train(work, a.toArray(String[]::new)));
    }

    @BeforeAll
    static void uninterrupted() throws Exception {
        assumeTrue(MpiRun.available(), "mpirun not installed (apt-get install openmpi-bin libopenmpi-dev)");
        reference = shared.resolve("reference");
        MpiRun.Result r = MpiRun.run(2, ranks(reference), shared, StopRuns.LIMIT);
        assertFalse(r.timedOut(), r.output());
        assertEquals(0, r.exitCode(), r.output());
    }

    /**
     * Only rank 1 gets SIGTERM, while it waits after iteration 20: it votes to stop at the next boundary, both ranks
     * learn the vote one boundary later and stop together after 22 iterations; rank 0 writes the checkpoint.
     */
    @Test
    void sigtermToOneRankStopsBothAndAutoResumeContinuesExactly(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        MpiRun.Job job = MpiRun.start(2, ranks(work, pauseAt(20, 1)), dir);
        waitUntil(() -> Files.exists(work.resolve("paused_1")), job.process(), "pause of rank 1", job.log());
        ProcessHandle rank1 = MpiRun.rankProcess(job.process(), 1).orElseThrow();
        assertTrue(rank1.destroy(), "SIGTERM sent to rank 1");
        MpiRun.Result r = job.await(StopRuns.LIMIT);
        assertFalse(r.timedOut(), r.output());
        assertEquals(StopSignals.EXIT_STATUS, r.exitCode(), r.output());
        assertTrue(r.output().contains("stopping (another rank's stop request) after batch 6 of 16 in epoch 2"),
                r.output());
        Path ckpt = work.resolve("iter_22");
        assertComplete(ckpt);
        CheckpointState state = Checkpoints.readState(ckpt);
        assertEquals(List.of(1, 22L, 6, 32, 2), List.of(state.epoch(), state.iter(), state.epochIter(),
                state.globalBatch(), state.worldSize()));
        assertEquals("iter_22", Files.readString(work.resolve(CheckpointHook.LATEST)));

        MpiRun.Result resumed = MpiRun.run(2, ranks(work, "--auto-resume"), dir, StopRuns.LIMIT);
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.output().contains("auto_resume: continuing from " + ckpt + " (epoch 2, batch 6 of 16)"),
                resumed.output());
        // Run-level lines once for the job (rank 0's), not once per rank.
        for (String line : List.of("auto_resume: continuing from ", "resumed from " + ckpt, "parameter arrays")) {
            assertEquals(1, resumed.output().split(java.util.regex.Pattern.quote(line), -1).length - 1,
                    line + " once:\n" + resumed.output());
        }
        assertSameRecords(records(reference), records(work), 0);
        assertEquals(0, StopRuns.maxWeightDifference(reference.resolve("epoch_3"), work.resolve("epoch_3")));
    }

    /**
     * SIGUSR1 to mpirun (what Slurm's --signal sends), which forwards it to both ranks at once; mpirun exits with
     * the ranks' status. The 2-rank mid-epoch checkpoint continues in one process with 32 images per batch, and
     * refuses one with 16.
     */
    @Test
    void sigusr1ToMpirunStopsTheJobAndOneProcessContinuesIt(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        MpiRun.Job job = MpiRun.start(2, ranks(work, pauseAt(20, 0)), dir);
        waitUntil(() -> Files.exists(work.resolve("paused_0")), job.process(), "pause of rank 0", job.log());
        new ProcessBuilder("kill", "-USR1", Long.toString(job.process().pid())).start().waitFor();
        MpiRun.Result r = job.await(StopRuns.LIMIT);
        assertFalse(r.timedOut(), r.output());
        assertEquals(StopSignals.EXIT_STATUS, r.exitCode(), r.output());
        assertTrue(r.output().contains("SIGUSR1 received"), r.output());
        Path ckpt = work.resolve("iter_22");
        assertComplete(ckpt);

        CliRun.Result refused = CliRun.run(train(work, "--auto-resume", "--set", "data.imgs_per_gpu=16")
                .toArray(String[]::new));
        assertEquals(Main.USER_ERROR, refused.code(), refused.err());
        assertEquals("error: " + ckpt + " was written mid-epoch (epoch 2, batch 6 of 16) with 32 images per iteration "
                + "(2 rank(s) x 16); this run has 16 (1 x 16): a mid-epoch checkpoint continues only with the same "
                + "images per iteration; set data.imgs_per_gpu = 32 for 1 rank(s), or resume from an epoch checkpoint\n",
                refused.err());

        // The toy's own imgs_per_gpu = 32: the same images per iteration as 2 ranks of 16.
        String out = StopRuns.run(StopRuns.java(train(work, "--auto-resume")), dir, 0);
        assertTrue(out.contains("auto_resume: continuing from " + ckpt + " (epoch 2, batch 6 of 16)"), out);
        assertSameRecords(records(reference), records(work), 1e-5);
        double diff = StopRuns.maxWeightDifference(reference.resolve("epoch_3"), work.resolve("epoch_3"));
        assertTrue(diff <= 1e-5, "final weights differ by " + diff);
    }
}
