package org.easycv4j.data.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebDataset shards as GNU tar reads them: names, bytes, roll-over by count and by size, the index, atomicity. */
class ShardWriterTest {

    private static Map<String, byte[]> sample(int i) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        byte[] image = new byte[100 + 37 * i];
        for (int j = 0; j < image.length; j++) {
            image[j] = (byte) (j * 31 + i);
        }
        m.put("png", image);
        m.put("cls", Integer.toString(i % 10).getBytes(StandardCharsets.US_ASCII));
        return m;
    }

    private static void write(Path dir, int n, long maxCount, long maxBytes) throws IOException {
        try (ShardWriter w = ShardWriter.builder().setOutput(dir).optPrefix("fm").optMaxCount(maxCount)
                .optMaxBytes(maxBytes).build()) {
            for (int i = 0; i < n; i++) {
                w.write(String.format("%05d", i), sample(i));
            }
        }
    }

    private static String gnuTar(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tar"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    @Test
    void shardsRollAtTheCountAndGnuTarReadsEveryMemberBack(@TempDir Path dir) throws Exception {
        write(dir, 25, 10, 1L << 30);
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve(ShardWriter.INDEX))).getAsJsonObject();
        assertEquals(25, index.get("samples").getAsLong());
        assertEquals(3, index.getAsJsonArray("shards").size());
        long[] counts = {10, 10, 5};
        for (int s = 0; s < 3; s++) {
            JsonObject shard = index.getAsJsonArray("shards").get(s).getAsJsonObject();
            assertEquals(String.format("fm-%06d.tar", s), shard.get("name").getAsString());
            assertEquals(counts[s], shard.get("samples").getAsLong());
            assertEquals(Files.size(dir.resolve(shard.get("name").getAsString())), shard.get("bytes").getAsLong());
        }
        List<String> names = gnuTar(dir, "-tf", "fm-000001.tar").lines().toList();
        List<String> expected = new ArrayList<>();
        for (int i = 10; i < 20; i++) {
            expected.add(String.format("%05d.png", i));
            expected.add(String.format("%05d.cls", i));
        }
        assertEquals(expected, names, "members in sample order, image then label");
        for (int i : new int[] {0, 13, 24}) {
            String shard = String.format("fm-%06d.tar", i / 10);
            assertArrayEquals(sample(i).get("png"),
                    gnuTar(dir, "-xOf", shard, String.format("%05d.png", i)).getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(Integer.toString(i % 10), gnuTar(dir, "-xOf", shard, String.format("%05d.cls", i)));
        }
        // Fixed owners, modes and times: the listing shows them.
        String verbose = gnuTar(dir, "--numeric-owner", "-tvf", "fm-000002.tar").lines().findFirst().orElseThrow();
        assertTrue(verbose.startsWith("-rw-r--r-- 0/0") && verbose.contains("1970-01-01"), verbose);
    }

    @Test
    void theByteLimitHoldsExactlyAndASampleNeverSplits(@TempDir Path dir) throws Exception {
        // Samples 0-11 cost 4 blocks each (2 headers, an image of 100-507 bytes, a label): two of them and the
        // end-of-archive blocks fill the limit exactly.
        long limit = 8 * 512 + 1024;
        write(dir, 12, 1000, limit);
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve(ShardWriter.INDEX))).getAsJsonObject();
        long samples = 0;
        for (var e : index.getAsJsonArray("shards")) {
            JsonObject shard = e.getAsJsonObject();
            long size = Files.size(dir.resolve(shard.get("name").getAsString()));
            long n = shard.get("samples").getAsLong();
            assertTrue(size <= limit || n == 1, shard + " over " + limit);
            assertEquals(0, size % 512);
            assertEquals(2 * n, gnuTar(dir, "-tf", shard.get("name").getAsString()).lines().count());
            samples += n;
        }
        assertEquals(12, samples);
        assertEquals(6, index.getAsJsonArray("shards").size());
        assertEquals(limit, Files.size(dir.resolve("fm-000000.tar")), "two samples fit a limit they fill exactly");
    }

    @Test
    void theSameSamplesGiveTheSameBytes(@TempDir Path dir) throws Exception {
        write(dir.resolve("a"), 7, 3, 1L << 30);
        write(dir.resolve("b"), 7, 3, 1L << 30);
        for (String name : List.of("fm-000000.tar", "fm-000001.tar", "fm-000002.tar", ShardWriter.INDEX)) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(name)),
                    Files.readAllBytes(dir.resolve("b").resolve(name)), name);
        }
    }

    @Test
    void anAbortedWriterLeavesItsCompletedShardsNoPartialOneAndNoIndex(@TempDir Path dir) throws Exception {
        ShardWriter w = ShardWriter.builder().setOutput(dir).optPrefix("fm").optMaxCount(4).build();
        for (int i = 0; i < 6; i++) {
            w.write("k" + i, sample(i));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(".fm-000001.tar.partial", "fm-000000.tar"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "the second shard is in progress");
        }
        w.abort();
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("fm-000000.tar"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertFalse(Files.exists(dir.resolve(ShardWriter.INDEX)));
    }

    @Test
    void badKeysExtensionsAndLimitsAreRefusedNamingThem(@TempDir Path dir) throws Exception {
        try (ShardWriter w = ShardWriter.builder().setOutput(dir).build()) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> w.write("a.b", sample(0))).getMessage()
                    .contains("sample key \"a.b\""));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> w.write("x", Map.of("PNG", new byte[1])))
                    .getMessage().contains("member extension \"PNG\""));
            w.write("x", sample(1));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> w.write("x", sample(2))).getMessage()
                    .contains("written twice"));
        }
        assertThrows(IllegalStateException.class, () -> ShardWriter.builder().build());
        assertThrows(IllegalArgumentException.class, () -> ShardWriter.builder().setOutput(dir).optMaxCount(0).build());
        assertThrows(IllegalArgumentException.class, () -> ShardWriter.builder().setOutput(dir).optPrefix("a/b").build());
    }
}
