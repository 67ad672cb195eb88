package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.dist.MpiRun;
import org.easycv4j.core.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rank killed mid-run, ranks started differently, and MPI missing: each ends the job with a clear message. */
class DistributedFaultsTest {
    private static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf").toAbsolutePath()
            .normalize();

    static List<String> train(Path workDir, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", TOY.toString(), "--work-dir", workDir.toString(),
                "--set", "progress=off", "--launcher", "mpi"));
        a.addAll(List.of(extra));
        return MpiRun.java(Main.class.getName(), a);
    }

    @Test
    void aKilledRankEndsTheJobWithinAMinuteAndLeavesOnlyCompleteCheckpoints(@TempDir Path dir) throws Exception {
        assumeTrue(MpiRun.available(), "mpirun not installed");
        Path work = dir.resolve("work");
        MpiRun.Job job = MpiRun.start(2, longRun(work), dir);
        awaitEpoch2(job, work);
        ProcessHandle rank1 = MpiRun.rankProcess(job.process(), 1).orElseThrow(() -> new AssertionError(
                "rank 1 not found among " + job.process().descendants().map(ProcessHandle::pid).toList()));
        assertKillingEndsTheJob(job, rank1);
        // Every checkpoint folder left is complete and readable.
        int checked = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(work, "epoch_*");
                NDManager m = NDManager.newBaseManager()) {
            for (Path ckpt : ds) {
                assertFalse(SafeTensors.read(ckpt.resolve(Checkpoints.MODEL), m).isEmpty(), ckpt.toString());
                SafeTensors.read(ckpt.resolve(Checkpoints.OPTIMIZER), m);
                JsonParser.parseString(Files.readString(ckpt.resolve(Checkpoints.STATE), StandardCharsets.UTF_8));
                checked++;
            }
        }
        assertTrue(checked >= 1);
    }

    /** A run long enough to be killed mid-run, with a checkpoint every epoch. */
    static List<String> longRun(Path work) {
        return train(work, "--set", "total_epochs=100000", "--set", "checkpoint_config={interval=1, max_keep_ckpts=3}",
                "--set", "eval_pipelines=[]", "--set", "eval_config.save_best=none", "--set", "custom_hooks=[]");
    }

    /** Waits (3 minutes at most) until the job has checkpointed epoch 2; otherwise ends it and fails. */
    static void awaitEpoch2(MpiRun.Job job, Path work) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        // Not "epoch_2 exists": a fast machine writes hundreds of epochs a second and max_keep_ckpts removes
        // epoch_2 between two polls.
        while (latestEpoch(work) < 2 && System.nanoTime() < deadline && job.process().isAlive()) {
            Thread.sleep(200);
        }
        if (latestEpoch(work) < 2) {
            job.await(Duration.ofSeconds(1)); // ends the job's processes, which would otherwise train on
            fail("no checkpoint of epoch 2 or later within 3 minutes:\n" + job.output());
        }
    }

    /** SIGKILL to {@code rank1}: the job ends non-zero within 60 s with a message naming rank 1. */
    static void assertKillingEndsTheJob(MpiRun.Job job, ProcessHandle rank1) throws Exception {
        long killed = System.nanoTime();
        assertTrue(rank1.destroyForcibly(), "SIGKILL sent");
        MpiRun.Result r = job.await(Duration.ofSeconds(90));
        double seconds = (System.nanoTime() - killed) / 1e9;
        assertFalse(r.timedOut(), "the job hangs after rank 1 was killed:\n" + r.output());
        assertTrue(seconds < 60, "the job ended " + seconds + " s after the kill");
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("rank 1"), "the message names the rank:\n" + r.output());
    }

    /** The highest N of the epoch_N checkpoint folders in {@code work}, 0 when there is none. */
    static int latestEpoch(Path work) throws IOException {
        if (!Files.isDirectory(work)) {
            return 0;
        }
        int latest = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(work, "epoch_*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString().substring("epoch_".length());
                if (n.matches("\\d+")) {
                    latest = Math.max(latest, Integer.parseInt(n));
                }
            }
        }
        return latest;
    }

    @Test
    void ranksWithDifferentConfigsAreRefusedAtStart(@TempDir Path dir) throws Exception {
        assumeTrue(MpiRun.available(), "mpirun not installed");
        Path work = dir.resolve("work");
        MpiRun.Result r = MpiRun.startPerRank(List.of(train(work, "--set", "seed=1"), train(work, "--set", "seed=2")),
                dir).await(Duration.ofMinutes(3));
        assertFalse(r.timedOut(), r.output());
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("rank(s) [1] resolved a different configuration than rank 0"), r.output());
        assertFalse(Files.exists(work.resolve("metrics.jsonl")), "nothing was trained");
    }

    @Test
    void withoutMpiTheErrorNamesThePackage(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(train(dir.resolve("work"), "--dry-run")).redirectErrorStream(true)
                .directory(dir.toFile());
        pb.environment().put("EASYCV4J_MPI_LIBRARY", dir.resolve("no-such-libmpi.so").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(Main.USER_ERROR, p.exitValue(), out);
        assertTrue(out.contains("cannot load Open MPI's library") && out.contains("apt-get install openmpi-bin "
                + "libopenmpi-dev"), out);
        assertFalse(out.contains("\tat "), "no stack trace:\n" + out);

        pb.environment().put("EASYCV4J_MPI_LIBRARY", "libc.so.6");
        Process q = pb.start();
        assertTrue(q.waitFor(2, TimeUnit.MINUTES), "finished");
        String out2 = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(Main.USER_ERROR, q.exitValue(), out2);
        assertTrue(out2.contains("libc.so.6 is not an MPI library"), out2);
    }
}
