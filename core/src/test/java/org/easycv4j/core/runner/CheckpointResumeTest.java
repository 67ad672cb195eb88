package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.runner.hooks.EmaHook;
import org.easycv4j.core.runner.hooks.TextLoggerHook;
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
    void aCheckpointFileDamagedAfterTheSaveIsRefusedByNameOnResumeAndLoad(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        runner(run, "total_epochs=1").train(false);
        Path ckpt = run.resolve("epoch_1");
        JsonObject files = Checkpoints.readJson(ckpt).getAsJsonObject("files");
        assertEquals(java.util.Set.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER), files.keySet());
        for (String name : files.keySet()) {
            Path f = ckpt.resolve(name);
            assertEquals(Files.size(f), files.getAsJsonObject(name).get("bytes").getAsLong(), name);
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
            assertEquals(hex, files.getAsJsonObject(name).get("sha256").getAsString(), name);
        }

        // one bit flipped in the last byte of the weights (a tensor value, not the header): same size
        Path model = ckpt.resolve(Checkpoints.MODEL);
        byte[] original = Files.readAllBytes(model);
        byte[] flipped = original.clone();
        flipped[flipped.length - 1] ^= 0x10;
        Files.write(model, flipped);
        String resume = "resume_from=\"" + ckpt + "\"";
        IOException e = assertThrows(IOException.class,
                () -> runner(dir.resolve("resumed"), "total_epochs=2", resume).train(false));
        assertEquals(model + " is damaged: its SHA-256 differs from the one " + ckpt.resolve(Checkpoints.STATE)
                + " recorded; it was changed or damaged after the save: restore it, or use another checkpoint",
                e.getMessage());
        IOException load = assertThrows(IOException.class,
                () -> runner(dir.resolve("loaded"), "total_epochs=1", "load_from=\"" + ckpt + "\"").train(false));
        assertTrue(load.getMessage().startsWith(model + " is damaged"), load.getMessage());

        // the weights restored, the optimizer state cut short: refused by its size
        Files.write(model, original);
        Path optimizer = ckpt.resolve(Checkpoints.OPTIMIZER);
        byte[] opt = Files.readAllBytes(optimizer);
        Files.write(optimizer, Arrays.copyOf(opt, opt.length - 8));
        IOException cut = assertThrows(IOException.class,
                () -> runner(dir.resolve("resumed2"), "total_epochs=2", resume).train(false));
        assertTrue(cut.getMessage().startsWith(optimizer + " is damaged: " + (opt.length - 8) + " bytes"),
                cut.getMessage());
        Files.write(optimizer, opt);
        runner(dir.resolve("resumed3"), "total_epochs=2", resume).train(false);
        assertTrue(Files.isDirectory(dir.resolve("resumed3").resolve("epoch_2")), "intact again: resumes");
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
    void theTemporaryFolderOfAnInterruptedSaveIsRemovedAtTheNextStart(@TempDir Path dir) throws Exception {
        Path interrupted = Files.createDirectories(dir.resolve(".epoch_1.k2j9x0a.tmp"));
        Files.writeString(interrupted.resolve(Checkpoints.MODEL), "half");
        Path kept = Files.createDirectories(dir.resolve(".notes.tmp"));
        runner(dir, "total_epochs=1").train(false);
        assertFalse(Files.exists(interrupted), "interrupted save removed");
        assertTrue(Files.isDirectory(kept), "other folders kept");
        assertTrue(Files.isDirectory(dir.resolve("epoch_1")));
    }

    @Test
    void aRunIsRefusedWhileAnotherHoldsTheWorkDirAndReleasesItsLockAtTheEnd(@TempDir Path dir) throws Exception {
        try (WorkDirLock other = WorkDirLock.take(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> runner(dir, "total_epochs=1").train(false));
            assertEquals("work dir " + dir + " is in use by another run (" + WorkDirLock.holder() + "): wait for it "
                    + "to end, or train into a new --work-dir", e.getMessage());
            assertFalse(Files.exists(dir.resolve(Runner.PROVENANCE)), "nothing written while locked");
        }
        runner(dir, "total_epochs=1").train(false);
        assertTrue(Files.isDirectory(dir.resolve("epoch_1")));
        assertFalse(Files.exists(dir.resolve(WorkDirLock.FILE)), "lock released after the run");
    }

    @Test
    void aFreshRunIsRefusedInAWorkDirHoldingAnotherRunBeforeItWritesAnything(@TempDir Path dir) throws Exception {
        runner(dir, "total_epochs=1").train(false);
        byte[] provenance = Files.readAllBytes(dir.resolve(Runner.PROVENANCE));
        byte[] metrics = Files.readAllBytes(dir.resolve("metrics.jsonl"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner(dir, "total_epochs=2", "seed=7").train(false));
        assertEquals("work dir " + dir + " already holds a run (epoch_1): continue it with --auto-resume or "
                + "--resume-from CHECKPOINT, or train into a new --work-dir", e.getMessage());
        assertTrue(Arrays.equals(provenance, Files.readAllBytes(dir.resolve(Runner.PROVENANCE))), "provenance kept");
        assertTrue(Arrays.equals(metrics, Files.readAllBytes(dir.resolve("metrics.jsonl"))), "metrics kept");
        // Continuing it is what the message offers, and works.
        runner(dir, "total_epochs=2", "auto_resume=true").train(false);
        assertTrue(Files.isDirectory(dir.resolve("epoch_2")));
        // A work dir with outputs but no checkpoint (a run that failed before its first) may be reused.
        Path failed = Files.createDirectories(dir.resolve("failed"));
        Files.writeString(failed.resolve("train.log"), "an earlier attempt\n");
        runner(failed, "total_epochs=1").train(false);
        assertTrue(Files.isDirectory(failed.resolve("epoch_1")));
    }

    @Test
    void resumeFromAWorkDirContinuesTheCheckpointItsLatestCheckpointNames(@TempDir Path dir) throws Exception {
        runner(dir, "total_epochs=1").train(false);
        assertEquals("epoch_1", Files.readString(dir.resolve("latest_checkpoint")).strip());
        runner(dir, "total_epochs=2", "resume_from=\"" + dir + "\"").train(false);
        assertTrue(Files.isDirectory(dir.resolve("epoch_2")));
        List<String> epochs = Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"train\"")).map(l -> l.replaceAll(".*\"epoch\": ?(\\d+).*", "$1")).distinct()
                .toList();
        assertEquals(List.of("1", "2"), epochs, "epoch 2 continued epoch 1, nothing retrained");
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

    private static void assertSameTensors(Path a, Path b, String file) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> wa = SafeTensors.read(a.resolve(file), m);
            Map<String, NDArray> wb = SafeTensors.read(b.resolve(file), m);
            assertEquals(wa.keySet(), wb.keySet());
            for (String k : wa.keySet()) {
                assertTrue(wa.get(k).contentEquals(wb.get(k)), file + " " + k);
            }
        }
    }

    /**
     * 4 batches per epoch, a log line every 3: stopped after batch 2 of epoch 2 (iteration 6), the checkpoint holds
     * the model, AdamW's state, the EMA and the log line's 2 losses so far; auto_resume continues at batch 3 of
     * the same epoch, and every logged loss, the final weights and the final EMA are the uninterrupted run's.
     */
    @Test
    void aRunStoppedMidEpochResumesThereExactly(@TempDir Path dir) throws Exception {
        String ema = "{type=EMAHook, decay=0.9, warmup_iters=0}";
        Path full = dir.resolve("full");
        runner(full, "total_epochs=4", "log_config.interval=3", "custom_hooks=[" + ema + "]").train(false);
        Path part = dir.resolve("part");
        Runner.TrainResult stopped = runner(part, "total_epochs=4", "log_config.interval=3",
                "custom_hooks=[" + ema + ", {type=TestStopAt, iter=5}]").train(false);
        assertTrue(stopped.stopped());
        assertEquals(6, stopped.iterations());
        Path ckpt = part.resolve("iter_6");
        CheckpointState state = Checkpoints.readState(ckpt);
        assertEquals(List.of(1, 6L, 6L, 2, 4, 16, 1), List.of(state.epoch(), state.iter(), state.optimizerSteps(),
                state.epochIter(), state.epochBatches(), state.globalBatch(), state.worldSize()));
        assertEquals("iter_6", Files.readString(part.resolve(CheckpointHook.LATEST)));
        for (String f : List.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER, EmaHook.FILE, TextLoggerHook.FILE)) {
            assertTrue(Files.isRegularFile(ckpt.resolve(f)), f);
        }
        assertEquals(2, losses(part).size(), "lines after batches 3 and 4 of epoch 1; the next one is pending");

        Runner.TrainResult resumed = runner(part, "total_epochs=4", "log_config.interval=3",
                "custom_hooks=[" + ema + "]", "auto_resume=true").train(false);
        assertFalse(resumed.stopped());
        assertEquals(10, resumed.iterations());
        assertEquals(losses(full), losses(part), "every logged loss equals the uninterrupted run's");
        assertSameTensors(full.resolve("epoch_4"), part.resolve("epoch_4"), Checkpoints.MODEL);
        assertSameTensors(full.resolve("epoch_4"), part.resolve("epoch_4"), Checkpoints.OPTIMIZER);
        assertSameTensors(full.resolve("epoch_4"), part.resolve("epoch_4"), EmaHook.FILE);
        assertFalse(Files.exists(ckpt), "the resume point is removed once a later checkpoint is complete");
        assertFalse(Files.exists(part.resolve("epoch_4").resolve(TextLoggerHook.FILE)),
                "an epoch checkpoint falls on a log line: nothing pending to keep");
    }

    /** Stopped right after the last batch of epoch 1, before its end: the resumed run evaluates and saves epoch 1. */
    @Test
    void aRunStoppedAfterTheLastBatchOfAnEpochResumesAtItsEnd(@TempDir Path dir) throws Exception {
        Path full = dir.resolve("full");
        runner(full, "total_epochs=2").train(false);
        Path part = dir.resolve("part");
        assertTrue(runner(part, "total_epochs=2", "custom_hooks=[{type=TestStopAt, iter=3}]").train(false).stopped());
        assertFalse(Files.exists(part.resolve("epoch_1")));
        CheckpointState state = Checkpoints.readState(part.resolve("iter_4"));
        assertEquals(List.of(0, 4), List.of(state.epoch(), state.epochIter()));
        runner(part, "total_epochs=2", "auto_resume=true").train(false);
        assertFalse(Files.exists(part.resolve("iter_4")), "epoch_1 holds the same state");
        assertEquals(losses(full), losses(part));
        assertSameTensors(full.resolve("epoch_1"), part.resolve("epoch_1"), Checkpoints.MODEL);
        assertSameTensors(full.resolve("epoch_2"), part.resolve("epoch_2"), Checkpoints.MODEL);
    }

    @Test
    void autoResumeStartsAfreshExtendsAFinishedRunAndRefusesAnotherConfiguration(@TempDir Path dir) throws Exception {
        assertEquals(4, runner(dir, "total_epochs=1", "auto_resume=true").train(false).iterations(), "fresh");
        assertEquals(0, runner(dir, "total_epochs=1", "auto_resume=true").train(false).iterations(),
                "finished: nothing left to train");
        assertEquals(4, losses(dir).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner(dir, "total_epochs=2", "optimizer.lr=0.01", "auto_resume=true").train(false));
        assertEquals("auto_resume: " + dir.resolve("epoch_1") + " was written by another configuration "
                + "(optimizer.lr: 0.05 there, 0.01 here); use another work_dir, or pass it as resume_from to continue "
                + "it with this configuration", e.getMessage());
        // total_epochs may grow: the run is extended.
        assertEquals(4, runner(dir, "total_epochs=2", "auto_resume=true").train(false).iterations());
        assertEquals("epoch_2", Files.readString(dir.resolve(CheckpointHook.LATEST)));
    }

    /**
     * A checkpoint written before a key existed has no value for it: it counts as that key's default, so adding
     * a setting to the trainer does not make older runs "another configuration".
     */
    @Test
    void autoResumeTakesAKeyAnOlderCheckpointLacksAsItsDefault(@TempDir Path dir) throws Exception {
        runner(dir, "total_epochs=1", "auto_resume=true").train(false);
        Path state = dir.resolve("epoch_1").resolve(Checkpoints.STATE);
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(state))
                .getAsJsonObject();
        String config = json.get("config").getAsString();
        String older = ConfigLoader.render(ConfigLoader.parseStored(config, "test")
                .withoutPath("data.use_repeated_augment_sampler"));
        assertFalse(older.contains("use_repeated_augment_sampler"));
        json.addProperty("config", older);
        Files.writeString(state, json.toString());
        assertEquals(4, runner(dir, "total_epochs=2", "auto_resume=true").train(false).iterations());
        // Not so for a value that differs from the default.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner(dir, "total_epochs=3", "auto_resume=true", "data.use_repeated_augment_sampler=true")
                        .train(false));
        assertTrue(e.getMessage().contains("data.use_repeated_augment_sampler: false there, true here"),
                e.getMessage());
    }

    @Test
    void aMidEpochCheckpointNeedsTheSameImagesPerIteration(@TempDir Path dir) throws Exception {
        assertTrue(runner(dir, "total_epochs=2", "custom_hooks=[{type=TestStopAt, iter=5}]").train(false).stopped());
        Path ckpt = dir.resolve("iter_6");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner(dir.resolve("other"), "total_epochs=2", "data.imgs_per_gpu=8",
                        "resume_from=\"" + ckpt + "\"").train(false));
        assertEquals(ckpt + " was written mid-epoch (epoch 2, batch 2 of 4) with 16 images per iteration (1 rank(s) x "
                + "16); this run has 8 (1 x 8): a mid-epoch checkpoint continues only with the same images per "
                + "iteration; set data.imgs_per_gpu = 16 for 1 rank(s), or resume from an epoch checkpoint",
                e.getMessage());
    }
}
