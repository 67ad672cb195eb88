package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.EncodedImage;
import org.easycv4j.data.image.ImageIoBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareDataCommandTest {

    @Test
    void syntheticJpegsHaveTheAskedShortSideAndFeedBenchData(@TempDir Path dir) throws Exception {
        CliRun.Result r = CliRun.run("prepare-data", "synthetic-jpeg", "--out", dir.toString(), "--count", "4",
                "--short-side", "40-48");
        assertEquals(0, r.code(), r.err());
        List<String> list = Files.readAllLines(dir.resolve("list.txt"));
        assertEquals(4, list.size());
        for (String name : list) {
            byte[] bytes = Files.readAllBytes(dir.resolve(name));
            ByteImage img = new ImageIoBackend().decode(bytes, true);
            int shortSide = Math.min(img.width(), img.height());
            assertTrue(shortSide >= 40 && shortSide <= 48, name + ": " + img.width() + "x" + img.height());
            EncodedImage header = EncodedImage.jpeg(bytes, true).orElseThrow();
            assertEquals(img.width(), header.width());
            assertEquals(img.height(), header.height());
        }
        CliRun.Result bench = CliRun.run("bench-data", Path.of("..", "demo", "bench", "mae-pretrain-data.conf").toString(),
                "--set", "bench_dir=" + dir, "--batch-size", "2", "--workers", "0", "--warmup", "1", "--batches", "2");
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("workers=0 batch=2: 4 images in"), bench.out());
        assertTrue(bench.out().contains("images per CPU-second"), bench.out());

        CliRun.Result bad = CliRun.run("prepare-data", "synthetic-jpeg", "--out", dir.toString(), "--short-side", "9-3");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--short-side: expected MIN-MAX with 1 <= MIN <= MAX, got \"9-3\""), bad.err());
    }
}
