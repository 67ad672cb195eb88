package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.core.runner.WorkDirLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User errors through the command line: one message and exit code 2, no Java stack trace on the terminal
 * (it goes to the run's log, or to the terminal with --debug).
 */
class CliErrorsTest {
    private static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf");
    private static final Path LEGACY = Path.of("..", "core", "src", "test", "resources", "torch", "legacy.pth");

    private static void assertNoStackTrace(String text) {
        assertFalse(text.contains("\tat "), "no stack trace:\n" + text);
        assertFalse(text.contains("Exception:"), "no exception class:\n" + text);
    }

    /** Two unreadable entries (a folder and a text file) with max_bad_samples = 1. */
    private static Path badDataConfig(Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(images.resolve("folder.png"));
        Files.writeString(images.resolve("text.png"), "not an image");
        Path list = Files.writeString(dir.resolve("list.txt"), "folder.png 0\ntext.png 1\n");
        return Files.writeString(dir.resolve("bad_data.conf"), String.join("\n",
                "include required(\"" + Path.of("..", "configs", "_base_", "runtime", "default_runtime.conf")
                        .toAbsolutePath().normalize() + "\")",
                "model { type = ToyMLP, in_shape = [3, 8, 8], hidden = 4, num_classes = 2 }",
                "data {",
                "  imgs_per_gpu = 2, workers_per_gpu = 1",
                "  train { type = ClsDataset, max_bad_samples = 1,",
                "    data_source { type = ClsSourceImageList, root = \"" + images + "\", list_file = \"" + list + "\" }",
                "    pipeline = [ { type = Resize, size = [8, 8] }, { type = ToTensor } ] }",
                "}",
                "optimizer { type = SGD, lr = 0.1 }",
                "lr_config { policy = Fixed }",
                "total_epochs = 1",
                "progress = off",
                "custom_hooks = []",
                "work_dir = \"" + dir.resolve("work") + "\"",
                ""));
    }

    /** Three real 8x8 RGB images listed with the given labels, for a ToyMLP of the given input shape. */
    private static Path rgbDataConfig(Path dir, String labels, String inShape, int numClasses) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        StringBuilder list = new StringBuilder();
        String[] l = labels.split(",");
        for (int i = 0; i < l.length; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            img.setRGB(i, i, 0x336699);
            javax.imageio.ImageIO.write(img, "png", images.resolve(i + ".png").toFile());
            list.append(i).append(".png ").append(l[i]).append('\n');
        }
        Path listFile = Files.writeString(dir.resolve("rgb-list.txt"), list.toString());
        Path config = badDataConfig(dir);
        return Files.writeString(dir.resolve("rgb.conf"), "include required(\"" + config + "\")\n"
                + "model.in_shape = " + inShape + "\nmodel.num_classes = " + numClasses + "\n"
                + "data.train.data_source.list_file = \"" + listFile + "\"\n");
    }

    @Test
    void aLabelTheModelCannotPredictNamesItsListLineBeforeTraining(@TempDir Path dir) throws Exception {
        Path config = rgbDataConfig(dir, "0,1,7,1,9", "[3, 8, 8]", 2);
        CliRun.Result r = CliRun.run("train", config.toString(), "--dry-run");
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertEquals("error: data.train: " + dir.resolve("rgb-list.txt") + ":3: label 7 (and 1 more entries with a label"
                + " >= 2), but the model has num_classes = 2 (labels 0 to 1): fix the label, or set model num_classes",
                r.err().strip());
    }

    @Test
    void imagesOfAnotherShapeThanTheModelTakesSayWhatToChange(@TempDir Path dir) throws Exception {
        Path config = rgbDataConfig(dir, "0,1,1,0", "[1, 8, 8]", 2);
        CliRun.Result r = CliRun.run("train", config.toString());
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("error: the batch's images are (3, 8, 8) per sample, but model ToyMlp takes "
                + "(1, 8, 8); the images are RGB: give the model 3 input channels"), r.err());
        assertNoStackTrace(r.err());
    }

    @Test
    void logsAreNotAppendedThroughALinkPlantedInTheWorkDir(@TempDir Path dir) throws Exception {
        for (String log : List.of("train.log", "metrics.jsonl")) {
            Path work = Files.createDirectories(dir.resolve("work-" + log));
            Path outside = Files.writeString(dir.resolve("outside-" + log), "precious\n");
            Files.createSymbolicLink(work.resolve(log), outside);
            CliRun.Result r = CliRun.run("train", TOY.toString(), "--work-dir", work.toString(), "--set",
                    "total_epochs=1", "--set", "progress=off");
            assertEquals(Main.USER_ERROR, r.code(), r.err());
            assertTrue(r.err().startsWith("error: " + work.resolve(log) + ": is a symbolic link; logs are not written"
                    + " through links"), r.err());
            assertEquals("precious\n", Files.readString(outside), "the file outside the work dir is untouched");
        }
    }

    @Test
    void tooManyBadSamplesEndWithTheirListAndTheTraceGoesToTheRunLog(@TempDir Path dir) throws Exception {
        Path config = badDataConfig(dir);
        CliRun.Result r = CliRun.run("train", config.toString());
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        String err = r.err();
        assertTrue(err.startsWith("error: data.train: 2 bad samples, more than max_bad_samples = 1"), err);
        assertTrue(err.contains(dir.resolve("images").resolve("folder.png") + ": is a directory, not an image file"
                + " (listed at " + dir.resolve("list.txt") + ":1)"), err);
        assertTrue(err.contains(dir.resolve("images").resolve("text.png") + ": not an image"), err);
        assertNoStackTrace(err);
        String log = Files.readString(dir.resolve("work").resolve("train.log"));
        assertTrue(log.contains("TooManyBadSamplesException") && log.contains("\tat org.easycv4j."), log);
    }

    @Test
    void aWorkDirInUseIsRefusedWithItsHolderAndItsLogIsLeftAlone(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("train.log"), "the other run's log\n");
        try (WorkDirLock other = WorkDirLock.take(dir)) {
            CliRun.Result r = CliRun.run("train", TOY.toString(), "--work-dir", dir.toString(), "--set",
                    "progress=off");
            assertEquals(Main.USER_ERROR, r.code(), r.err());
            assertEquals("error: work dir " + dir + " is in use by another run (" + WorkDirLock.holder() + "): wait "
                    + "for it to end, or train into a new --work-dir", r.err().strip());
        }
        assertEquals("the other run's log\n", Files.readString(log));
        assertFalse(Files.exists(dir.resolve("config.resolved.conf")));
    }

    @Test
    void aFreshRunRefusedInAnotherRunsWorkDirLeavesItsLogAlone(@TempDir Path dir) throws Exception {
        CliRun.Result first = CliRun.run("train", TOY.toString(), "--work-dir", dir.toString(), "--set",
                "progress=off", "--set", "total_epochs=1");
        assertEquals(0, first.code(), first.err());
        String log = Files.readString(dir.resolve("train.log"));
        CliRun.Result r = CliRun.run("train", TOY.toString(), "--work-dir", dir.toString(), "--set", "progress=off");
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("error: work dir " + dir + " already holds a run (epoch_1)"), r.err());
        assertEquals(log, Files.readString(dir.resolve("train.log")), "no refusal trace in the earlier run's log");
    }

    @Test
    void predictRefusesANonPositiveTopkOrBatchSize(@TempDir Path dir) throws Exception {
        Path image = Files.writeString(dir.resolve("a.png"), "x");
        CliRun.Result topk = CliRun.run("predict", dir.toString(), image.toString(), "--topk", "0");
        assertEquals(Main.USER_ERROR, topk.code(), topk.err());
        assertTrue(topk.err().startsWith("error: --topk: expected an integer >= 1, got 0\n"), topk.err());
        CliRun.Result batch = CliRun.run("predict", dir.toString(), image.toString(), "--batch-size", "0");
        assertEquals(Main.USER_ERROR, batch.code(), batch.err());
        assertTrue(batch.err().startsWith("error: --batch-size: expected an integer >= 1, got 0\n"), batch.err());
    }

    @Test
    void theBenchmarksRefuseCountsThatWouldRunNothingBeforeTheyStart() {
        String data = Path.of("..", "demo", "bench", "mae-pretrain-data.conf").toString();
        for (String[] args : List.of(new String[] {"bench-data", data, "--batch-size", "0"},
                new String[] {"bench-data", data, "--batches", "-1"}, new String[] {"bench-data", data, "--warmup", "-1"},
                new String[] {"bench-data", data, "--workers", "-2"}, new String[] {"bench-model", "small32", "--steps", "0"},
                new String[] {"bench-model", "small32", "--batch", "0"})) {
            CliRun.Result r = CliRun.run(args);
            assertEquals(Main.USER_ERROR, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("error: " + args[2] + ": expected an integer >= "), r.err());
            assertFalse(r.out().contains("images/s") || r.out().contains("samples"), "nothing ran: " + r.out());
        }
    }

    @Test
    void everyCommandPrintsTheVersion() {
        for (String command : List.of("train", "predict", "eval")) {
            CliRun.Result r = CliRun.run(command, "-V");
            assertEquals(0, r.code(), r.err());
            assertEquals("easycv4j 0.1.0", r.out().strip(), command);
        }
    }

    @Test
    void debugShowsTheStackTraceOnTheTerminal(@TempDir Path dir) throws Exception {
        CliRun.Result r = CliRun.run("train", badDataConfig(dir).toString(), "--debug");
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("error: data.train: 2 bad samples"), r.err());
        assertTrue(r.err().contains("TooManyBadSamplesException") && r.err().contains("\tat org.easycv4j."), r.err());
    }

    @Test
    void aLegacyTorchSaveCheckpointIsNamedAsSuch(@TempDir Path dir) throws Exception {
        CliRun.Result r = CliRun.run("train", TOY.toString(), "--work-dir", dir.toString(), "--set", "progress=off",
                "--load-from", LEGACY.toString());
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("error: " + LEGACY + ": a torch.save file in the legacy format of torch < 1.6"),
                r.err());
        assertNoStackTrace(r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aMissingConfigFileIsOneLine(@TempDir Path dir) {
        CliRun.Result r = CliRun.run("train", dir.resolve("nope.conf").toString());
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("nope.conf"), r.err());
        assertNoStackTrace(r.err());
    }

    /** A checkpoint save on a full disk: the saver's line, not the operating system's "No space left on device". */
    @Test
    void aFailedCheckpointSaveShowsTheSaversLine() {
        String line = "cannot write model.safetensors of checkpoint /w/epoch_2: no space left on the device (...); "
                + "the newest complete checkpoint, /w/epoch_1, remains";
        Exception e = new java.io.UncheckedIOException(new java.io.IOException(line,
                new java.io.IOException("No space left on device")));
        assertEquals(line, CliErrors.message(e));
        assertTrue(CliErrors.isUserError(e));
    }
}
