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
    void aMissingDataFolderIsOneClearError(@TempDir Path dir) {
        CliRun.Result r = CliRun.run("pixel-baseline", "--root", dir.resolve("nothing").toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("--root") && r.err().contains("train-images-idx3-ubyte"), r.err());
    }
}
