package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.easycv4j.data.shards.ShardWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/make-shards from an IDX source (pixels, stored as PNG) and a folder of JPEGs (their own bytes). */
class MakeShardsCommandTest {
    private static final Path FMNIST = Path.of("..", "demo", "fashion-mnist").toAbsolutePath();

    /** Every member of the shards, by name, in order. */
    private static Map<String, byte[]> members(Path dir, int shards) throws Exception {
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (int s = 0; s < shards; s++) {
            try (InputStream in = Files.newInputStream(dir.resolve(ShardWriter.shardName("fm", s)));
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    all.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        return all;
    }

    /** Image {@code i} of an IDX file read independently of the project's reader. */
    private static byte[] idxImage(Path gz, int i) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            byte[] all = in.readAllBytes();
            byte[] img = new byte[28 * 28];
            System.arraycopy(all, 16 + i * 784, img, 0, 784);
            return img;
        }
    }

    private static int idxLabel(Path gz, int i) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes()[8 + i] & 0xFF;
        }
    }

    @Test
    void anIdxSourceBecomesPngAndLabelMembersWithTheSamePixels(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("src.conf");
        Files.writeString(config, "data.train.data_source { type = ClsSourceIdx, root = \"" + FMNIST
                + "\", split = train, max_data_num = 25 }\n");
        Path out = dir.resolve("shards");
        String printed = CliRun.out("make-shards", config.toString(), "--out", out.toString(), "--prefix", "fm",
                "--max-count", "10");
        assertTrue(printed.contains("25 samples in " + out + " (0 left out as unreadable)"), printed);
        JsonObject index = JsonParser.parseString(Files.readString(out.resolve(ShardWriter.INDEX))).getAsJsonObject();
        assertEquals(25, index.get("samples").getAsLong());
        assertEquals(3, index.getAsJsonArray("shards").size());
        Map<String, byte[]> m = members(out, 3);
        assertEquals(50, m.size());
        for (int i : new int[] {0, 17, 24}) {
            String key = String.format("%06d", i);
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(m.get(key + ".png")));
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, png.getType());
            byte[] pixels = new byte[784];
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    pixels[y * 28 + x] = (byte) png.getRaster().getSample(x, y, 0);
                }
            }
            assertArrayEquals(idxImage(FMNIST.resolve("train-images-idx3-ubyte.gz"), i), pixels, key);
            assertEquals(Integer.toString(idxLabel(FMNIST.resolve("train-labels-idx1-ubyte.gz"), i)),
                    new String(m.get(key + ".cls"), StandardCharsets.US_ASCII), key);
        }
    }

    @Test
    void aCifarSourceBecomesRgbPngWithTheArchivesPixels(@TempDir Path dir) throws Exception {
        Path root = Path.of("..", "data", "src", "test", "resources", "cifar", "cifar10").toAbsolutePath();
        Path config = dir.resolve("src.conf");
        Files.writeString(config, "data.train.data_source { type = ClsSourceCifar10, root = \"" + root
                + "\", split = test }\n");
        Path out = dir.resolve("shards");
        CliRun.out("make-shards", config.toString(), "--out", out.toString(), "--prefix", "fm");
        Map<String, byte[]> m = members(out, 1);
        byte[] bin = Files.readAllBytes(root.resolve("cifar-10-batches-bin").resolve("test_batch.bin"));
        assertEquals(bin.length / 3073 * 2, m.size());
        for (int i = 0; i < bin.length / 3073; i++) {
            String key = String.format("%06d", i);
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(m.get(key + ".png")));
            assertEquals(32, png.getWidth());
            assertEquals(3, png.getRaster().getNumBands());
            // The binary version: a label byte, then the red, green and blue planes of 32 x 32.
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) {
                    assertEquals(bin[i * 3073 + 1 + c * 1024 + p] & 0xFF, png.getRaster().getSample(p % 32, p / 32, c),
                            key + " channel " + c + " pixel " + p);
                }
            }
            assertEquals(Integer.toString(bin[i * 3073] & 0xFF), new String(m.get(key + ".cls"), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aFolderOfJpegsKeepsTheFilesBytesLeavesOutABadOneAndRefusesAFullOutput(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("images");
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String cls : new String[] {"cat", "dog"}) {
            Files.createDirectories(root.resolve(cls));
            for (int k = 0; k < 3; k++) {
                BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
                img.setRGB(k, 1, 0xFF8800 + k);
                ByteArrayOutputStream jpg = new ByteArrayOutputStream();
                ImageIO.write(img, "jpg", jpg);
                Path f = root.resolve(cls).resolve("img" + k + ".jpg");
                Files.write(f, jpg.toByteArray());
                files.put(cls + "/" + k, jpg.toByteArray());
            }
        }
        byte[] cut = files.get("dog/1");
        Files.write(root.resolve("dog").resolve("img1.jpg"), java.util.Arrays.copyOf(cut, cut.length / 2));
        Path config = dir.resolve("src.conf");
        Files.writeString(config, "data.train.data_source { type = ClsSourceImageFolder, root = \"" + root + "\" }\n");
        Path out = dir.resolve("shards");
        CliRun.Result r = CliRun.run("make-shards", config.toString(), "--out", out.toString(), "--prefix", "fm");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("5 samples in " + out + " (1 left out as unreadable)"), r.out());
        assertTrue(r.err().contains("skipped: ") && r.err().contains("img1.jpg") && r.err().contains("truncated JPEG"),
                r.err());
        Map<String, byte[]> m = members(out, 1);
        // Sorted classes, sorted files; the cut file (entry 4) is left out, the keys keep the source's indices.
        assertEquals(java.util.List.of("000000.jpg", "000000.cls", "000001.jpg", "000001.cls", "000002.jpg",
                "000002.cls", "000003.jpg", "000003.cls", "000005.jpg", "000005.cls"), java.util.List.copyOf(m.keySet()));
        assertArrayEquals(files.get("cat/0"), m.get("000000.jpg"), "the file's own bytes");
        assertArrayEquals(files.get("dog/2"), m.get("000005.jpg"));
        assertEquals("1", new String(m.get("000005.cls"), StandardCharsets.US_ASCII));

        CliRun.Result again = CliRun.run("make-shards", config.toString(), "--out", out.toString());
        assertEquals(Main.USER_ERROR, again.code());
        assertEquals("error: --out " + out + ": not empty (shards are written into a new or empty folder, so that no "
                + "earlier shard is mixed in)", again.err().strip());
        CliRun.Result noSource = CliRun.run("make-shards", config.toString(), "--key", "data.val.data_source",
                "--out", dir.resolve("other").toString());
        assertEquals(Main.USER_ERROR, noSource.code());
        assertEquals(1, noSource.err().strip().lines().count(), noSource.err());
        assertTrue(noSource.err().contains("data.val"), noSource.err());
        assertFalse(Files.exists(dir.resolve("other").resolve(ShardWriter.INDEX)));
    }
}
