package org.easycv4j.tools;

import static org.easycv4j.tools.StopRuns.Child;
import static org.easycv4j.tools.StopRuns.assertComplete;
import static org.easycv4j.tools.StopRuns.assertSameRecords;
import static org.easycv4j.tools.StopRuns.java;
import static org.easycv4j.tools.StopRuns.pauseAt;
import static org.easycv4j.tools.StopRuns.records;
import static org.easycv4j.tools.StopRuns.train;
import static org.easycv4j.tools.StopRuns.waitUntil;
import static org.easycv4j.tools.StopRuns.writing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.runner.Runner;
import org.easycv4j.core.runner.StopSignals;
import org.easycv4j.core.runner.CheckpointHook;
import org.easycv4j.core.runner.hooks.TextLoggerHook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One process stopped by real signals (sent by the test to the training JVM) and continued with {@code --auto-resume},
 * against the same training run without a stop; and every refusal of {@code --auto-resume}.
 */
class PreemptionTest {
    /** The uninterrupted run, in a JVM started as the stopped ones are (same threads, same libtorch). */
    @TempDir
    static Path shared;
    private static Path reference;

    @BeforeAll
    static void uninterrupted() throws Exception {
        reference = shared.resolve("reference");
        StopRuns.run(java(train(reference)), shared, 0);
    }

    @Test
    void sigtermMidEpochExitsWith75AndAutoResumeContinuesExactly(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        // Paused after iteration 20 (0-based) until the signal is in: the stop comes after 21 iterations, batch 5 of
        // epoch 2, between two log lines (every 4 batches).
        Child c = Child.start(java(train(work, pauseAt(20, 0))), dir);
        waitUntil(() -> Files.exists(work.resolve("paused_0")), c.process(), "pause at iteration 20", c.log());
        c.process().destroy(); // SIGTERM
        assertEquals(StopSignals.EXIT_STATUS, c.await(), c.output());
        assertTrue(c.output().contains("SIGTERM received: stopping at the next iteration boundary"), c.output());

        Path ckpt = work.resolve("iter_21");
        assertComplete(ckpt);
        assertTrue(Files.isRegularFile(ckpt.resolve(TextLoggerHook.FILE)), "the pending log line's sums");
        CheckpointState state = Checkpoints.readState(ckpt);
        assertEquals(List.of(1, 21L, 5, 16, 32, 1), List.of(state.epoch(), state.iter(), state.epochIter(),
                state.epochBatches(), state.globalBatch(), state.worldSize()));
        assertEquals("iter_21", Files.readString(work.resolve(CheckpointHook.LATEST)));
        assertTrue(Files.isDirectory(work.resolve("epoch_1")));
        try (Stream<Path> files = Files.list(work)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary left");
        }

        String out = StopRuns.run(java(train(work, "--auto-resume")), dir, 0);
        assertTrue(out.contains("auto_resume: continuing from " + ckpt + " (epoch 2, batch 5 of 16)"), out);
        assertSameRecords(records(reference), records(work), 0);
        assertEquals(0, StopRuns.maxWeightDifference(reference.resolve("epoch_3"), work.resolve("epoch_3")));
        assertFalse(Files.exists(ckpt), "removed once epoch_2 was complete");
    }

    @Test
    void aSecondSigtermDuringTheWriteIsIgnoredAndSigkillThenLeavesThePreviousCheckpoint(@TempDir Path dir)
            throws Exception {
        // Every checkpoint write waits 3 s with its folder half written (the model file only).
        String slow = "-Deasycv4j.test.checkpointWriteDelayMs=3000";
        Path work = dir.resolve("term");
        Child c = Child.start(java(train(work, pauseAt(20, 0)), slow), dir);
        waitUntil(() -> Files.exists(work.resolve("paused_0")), c.process(), "pause at iteration 20", c.log());
        c.process().destroy();
        waitUntil(() -> writing(work, "iter_21"), c.process(), "write of iter_21", c.log());
        c.process().destroy();
        assertEquals(StopSignals.EXIT_STATUS, c.await(), c.output());
        assertTrue(c.output().contains("SIGTERM received while stopping (SIGTERM): ignored so that the checkpoint is "
                + "completed"), c.output());
        assertComplete(work.resolve("iter_21"));
        assertComplete(work.resolve("epoch_1"));
        assertEquals("iter_21", Files.readString(work.resolve(CheckpointHook.LATEST)));

        Path killed = dir.resolve("kill");
        Child k = Child.start(java(train(killed, pauseAt(20, 0)), slow), dir);
        waitUntil(() -> Files.exists(killed.resolve("paused_0")), k.process(), "pause at iteration 20", k.log());
        k.process().destroy();
        waitUntil(() -> writing(killed, "iter_21"), k.process(), "write of iter_21", k.log());
        k.process().destroyForcibly(); // SIGKILL in the middle of the write
        assertEquals(137, k.await(), k.output());
        assertFalse(Files.exists(killed.resolve("iter_21")), "nothing partial under a checkpoint's name");
        assertTrue(writing(killed, "iter_21"), "the half-written temporary folder is left as it was");
        assertEquals("epoch_1", Files.readString(killed.resolve(CheckpointHook.LATEST)));
        assertComplete(killed.resolve("epoch_1"));

        String out = StopRuns.run(java(train(killed, "--auto-resume")), dir, 0);
        assertTrue(out.contains("auto_resume: continuing from " + killed.resolve("epoch_1") + " (epoch 2)"), out);
        assertSameRecords(records(reference), records(killed), 0);
        assertEquals(0, StopRuns.maxWeightDifference(reference.resolve("epoch_3"), killed.resolve("epoch_3")));
    }

    // The refusals, in-process: one line, exit status 2, no stack trace.

    private static void assertRefused(String expected, List<String> args) {
        CliRun.Result r = CliRun.run(args.toArray(String[]::new));
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertEquals("error: " + expected + "\n", r.err());
    }

    private static List<String> inProcess(Path work, String... extra) {
        List<String> a = new ArrayList<>(train(work, "--set", "total_epochs=1"));
        a.addAll(Arrays.asList(extra));
        return a;
    }

    @Test
    void autoResumeAndResumeFromExcludeEachOther(@TempDir Path dir) {
        assertRefused("--auto-resume and --resume-from exclude each other: --auto-resume continues from the newest "
                + "checkpoint in the work dir, --resume-from from the one it names",
                inProcess(dir, "--auto-resume", "--resume-from", dir.resolve("epoch_1").toString()));
        CliRun.Result r = CliRun.run(inProcess(dir, "--set", "auto_resume=true", "--resume-from",
                dir.resolve("epoch_1").toString()).toArray(String[]::new));
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("auto_resume: set resume_from (that checkpoint) or auto_resume (the newest in "
                + "work_dir), not both"), r.err());
    }

    @Test
    void aWorkDirWithAForeignOrUnreadableCheckpointIsRefused(@TempDir Path dir) throws Exception {
        Path easycv = Files.createDirectories(dir.resolve("easycv"));
        Files.write(easycv.resolve("epoch_10.pth"), new byte[] {1, 2, 3});
        assertRefused("auto_resume: " + easycv.resolve("epoch_10.pth") + " is not a checkpoint folder of this trainer "
                + "(EasyCV and mmcv save such files); move it out of the work dir, or start from its weights with "
                + "load_from", inProcess(easycv, "--auto-resume"));

        Path garbled = Files.createDirectories(dir.resolve("garbled").resolve("epoch_3"));
        Files.writeString(garbled.resolve(Checkpoints.STATE), "{not json");
        CliRun.Result r = CliRun.run(inProcess(garbled.getParent(), "--auto-resume").toArray(String[]::new));
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        // The JSON parser's own words in the middle.
        assertTrue(r.err().startsWith("error: auto_resume: " + garbled + " is not a readable checkpoint ("
                + garbled.resolve(Checkpoints.STATE) + " is not JSON: "), r.err());
        assertTrue(r.err().endsWith("); move it out of the work dir, or set another work_dir\n"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        Path other = Files.createDirectories(dir.resolve("other").resolve("epoch_2"));
        Files.writeString(other.resolve(Checkpoints.STATE), "{\"epoch\": 2}");
        assertRefused("auto_resume: " + other + " is not a readable checkpoint (" + other.resolve(Checkpoints.STATE)
                + " is not the state of a checkpoint written by this trainer (no \"format\": \""
                + Checkpoints.FORMAT + "\")); move it out of the work dir, or set another work_dir",
                inProcess(other.getParent(), "--auto-resume"));

        Path dangling = Files.createDirectories(dir.resolve("dangling"));
        Files.writeString(dangling.resolve(CheckpointHook.LATEST), "epoch_9");
        assertRefused("auto_resume: " + dangling.resolve(CheckpointHook.LATEST) + " names \"epoch_9\", which is not a "
                + "checkpoint folder in " + dangling + "; point it at one (e.g. the newest epoch_N) or remove it",
                inProcess(dangling, "--auto-resume"));
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsRefusedAndAFinishedRunHasNothingLeft(@TempDir Path dir) throws Exception {
        assertEquals(0, CliRun.run(inProcess(dir).toArray(String[]::new)).code());
        assertRefused("auto_resume: " + dir.resolve("epoch_1") + " was written by another configuration (model.hidden: "
                + "32 there, 64 here; optimizer.lr: 0.01 there, 0.02 here); use another work_dir, or pass it as "
                + "resume_from to continue it with this configuration",
                inProcess(dir, "--auto-resume", "--set", "model.hidden=64", "--set", "optimizer.lr=0.02"));

        List<String> lines = Files.readAllLines(dir.resolve(TextLoggerHook.JSON_LOG));
        try (Logs logs = new Logs()) {
            assertEquals(0, CliRun.run(inProcess(dir, "--auto-resume").toArray(String[]::new)).code());
            assertTrue(logs.contains("auto_resume: " + dir.resolve("epoch_1") + " completed total_epochs = 1 already: "
                    + "nothing left to train"), logs.toString());
        }
        assertEquals(lines, Files.readAllLines(dir.resolve(TextLoggerHook.JSON_LOG)), "nothing trained");
        // Logging, checkpoint and evaluation settings and total_epochs may change: the run is extended.
        CliRun.Result more = CliRun.run(inProcess(dir, "--auto-resume", "--set", "total_epochs=2",
                "--set", "log_config.interval=2", "--set", "eval_pipelines=[]").toArray(String[]::new));
        assertEquals(0, more.code(), more.err());
        assertEquals("epoch_2", Files.readString(dir.resolve(CheckpointHook.LATEST)));
    }

    @Test
    void anEmptyWorkDirStartsAfreshAndSaysSo(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("new");
        try (Logs logs = new Logs()) {
            assertEquals(0, CliRun.run(inProcess(work, "--auto-resume").toArray(String[]::new)).code());
            assertTrue(logs.contains("auto_resume: no checkpoint in " + work + ": starting afresh"), logs.toString());
        }
        assertTrue(Files.isDirectory(work.resolve("epoch_1")));
    }

    @Test
    void aMidEpochCheckpointContinuesOnlyWithTheSameImagesPerIteration(@TempDir Path dir) throws Exception {
        List<String> stop = inProcess(dir, "--set", "custom_hooks=[{type = StopAt, iter = 5}]", "--set",
                "total_epochs=2");
        assertEquals(StopSignals.EXIT_STATUS, CliRun.run(stop.toArray(String[]::new)).code());
        Path ckpt = dir.resolve("iter_6");
        assertRefused(ckpt + " was written mid-epoch (epoch 1, batch 6 of 16) with 32 images per iteration (1 rank(s) "
                + "x 32); this run has 16 (1 x 16): a mid-epoch checkpoint continues only with the same images per "
                + "iteration; set data.imgs_per_gpu = 32 for 1 rank(s), or resume from an epoch checkpoint",
                inProcess(dir, "--auto-resume", "--set", "total_epochs=2", "--set", "data.imgs_per_gpu=16"));
    }

    /** What the runner logs while open. */
    private static final class Logs implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(Runner.class);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Level level = logger.getLevel();

        Logs() {
            appender.start();
            logger.addAppender(appender);
            // The tests' logging keeps warnings only.
            logger.setLevel(Level.INFO);
        }

        boolean contains(String message) {
            return appender.list.stream().anyMatch(e -> e.getFormattedMessage().equals(message));
        }

        @Override
        public String toString() {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList().toString();
        }

        @Override
        public void close() {
            logger.setLevel(level);
            logger.detachAppender(appender);
        }
    }
}
