package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PixelBaselineCommandTest {
    private static final Path DEMO = Path.of("..", "demo", "fashion-mnist");

    @Test
    void fitsOnTheFirstImagesAndReportsTestAccuracy(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("baseline.json");
        CliRun.Result r = CliRun.run("pixel-baseline", "--root", DEMO.toString(), "--train-count", "200",
                "--max-iter", "200", "--out", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(200, o.get("train_images").getAsInt());
        assertEquals(1000, o.get("test_images").getAsInt());
        // Chance is 10 %.
        assertTrue(o.get("top1").getAsDouble() > 50, o.toString());
        assertTrue(o.get("train_top1").getAsDouble() > o.get("top1").getAsDouble(), o.toString());
    }

    @Test
    void evaluatesOnAValidationSplitOfTheTrainingImages(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("val.json");
        CliRun.Result r = CliRun.run("pixel-baseline", "--root", DEMO.toString(), "--train-count", "200",
                "--max-iter", "200", "--eval-start", "1000", "--eval-count", "500", "--out", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(500, o.get("test_images").getAsInt());
        assertEquals("train[1000, 1500)", o.get("eval").getAsString());
        // Images and labels read from the same offset: misaligned labels would score near chance (10 %).
        assertTrue(o.get("top1").getAsDouble() > 50, o.toString());

        CliRun.Result overlap = CliRun.run("pixel-baseline", "--root", DEMO.toString(), "--train-count", "200",
                "--eval-start", "100");
        assertEquals(Main.USER_ERROR, overlap.code());
        assertTrue(overlap.err().contains("--eval-start") && overlap.err().contains("200 training images"),
                overlap.err());
        CliRun.Result past = CliRun.run("pixel-baseline", "--root", DEMO.toString(), "--eval-start", "999999");
        assertEquals(Main.USER_ERROR, past.code());
        assertTrue(past.err().contains("past its"), past.err());
    }

    @Test
    void aMissingDataFolderIsOneClearError(@TempDir Path dir) {
        CliRun.Result r = CliRun.run("pixel-baseline", "--root", dir.resolve("nothing").toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("--root") && r.err().contains("train-images-idx3-ubyte"), r.err());
    }
}
