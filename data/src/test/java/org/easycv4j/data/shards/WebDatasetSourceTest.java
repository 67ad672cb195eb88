package org.easycv4j.data.shards;

import static org.easycv4j.data.Fixtures.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.dataset.ImageDataset;
import org.easycv4j.data.source.TooManyBadSamplesException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training and evaluation batches from local shards through the real loader. */
class WebDatasetSourceTest {
    static final Components COMPONENTS = Fixtures.components();
    static NDManager manager;

    @TempDir
    static Path dir;

    static Path shards;

    @BeforeAll
    static void setUp() throws IOException {
        manager = NDManager.newBaseManager();
        shards = ShardFixtures.write(dir.resolve("shards"), 45, 7);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static String urls(Path d) {
        return q(d.resolve("s-{000000..000006}.tar"));
    }

    static Dataset dataset(String source) {
        ConfigNode n = Fixtures.node("type = ClsDataset, data_source { type = WebDatasetSource, " + source + " }, "
                + "pipeline = [ {type = ToTensor}, {type = Collect, keys = [img, gt_labels]} ]");
        Spec<Dataset> spec = COMPONENTS.parse(n, Dataset.KIND).orElseThrow(() -> new AssertionError(n.problems().list()));
        assertTrue(n.problems().isEmpty(), () -> n.problems().list().toString());
        return spec.create(Fixtures.context(dir));
    }

    /** Every batch of an epoch as the samples its images show, checked against its labels. */
    static List<int[]> epoch(DataLoader loader, int epoch, int first) {
        List<int[]> out = new ArrayList<>();
        Iterator<Batch> it = loader.epoch(epoch, manager, first);
        while (it.hasNext()) {
            try (Batch b = it.next()) {
                float[] img = b.inputs().get(0).toFloatArray();
                long[] labels = b.labels().get(0).toType(DataType.INT64, false).toLongArray();
                int chw = img.length / b.size();
                int[] ids = new int[b.size()];
                for (int i = 0; i < b.size(); i++) {
                    ids[i] = ShardFixtures.sampleOf(img, i * chw);
                    assertEquals(ids[i] % ShardFixtures.CLASSES, labels[i], "label of sample " + ids[i]);
                }
                out.add(ids);
            }
        }
        return out;
    }

    @Test
    void anEpochVisitsDistinctSamplesTheSameForAnyWorkerCountAndResumesMidEpoch() {
        Dataset ds = dataset("urls = " + urls(shards) + ", streams = 4, shuffle_buffer = 3");
        assertEquals(45, ds.size());
        assertEquals(List.of("a", "b", "c", "d"), ds.classNames());
        List<int[]> zero;
        try (DataLoader l = ds.loader(new LoaderSettings(4, 0, true, false, 3, 0, 1))) {
            assertEquals(11, l.batchesPerEpoch());
            zero = epoch(l, 1, 0);
        }
        Set<Integer> seen = new HashSet<>();
        zero.forEach(b -> java.util.Arrays.stream(b).forEach(seen::add));
        assertEquals(44, seen.size(), "44 = 4 streams x floor(45 / 4) distinct samples");
        try (DataLoader l = ds.loader(new LoaderSettings(4, 2, true, false, 3, 0, 1))) {
            List<int[]> two = epoch(l, 1, 0);
            for (int b = 0; b < zero.size(); b++) {
                assertArrayEquals(zero.get(b), two.get(b), "batch " + b);
            }
            List<int[]> resumed = epoch(l, 1, 6);
            assertEquals(5, resumed.size());
            for (int b = 6; b < zero.size(); b++) {
                assertArrayEquals(zero.get(b), resumed.get(b - 6), "resumed batch " + b);
            }
            assertTrue(!java.util.Arrays.equals(zero.get(0), epoch(l, 2, 0).get(0)), "another epoch, another order");
        }
    }

    @Test
    void twoRanksSeeTheOneProcessBatchesOfTwiceTheSize() {
        Dataset ds = dataset("urls = " + urls(shards) + ", streams = 4, shuffle_buffer = 3");
        List<int[]> one;
        try (DataLoader l = ds.loader(new LoaderSettings(4, 1, true, false, 9, 0, 1))) {
            one = epoch(l, 0, 0);
        }
        List<List<int[]>> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            try (DataLoader l = ds.loader(new LoaderSettings(2, 1, true, false, 9, r, 2))) {
                ranks.add(epoch(l, 0, 0));
            }
        }
        assertEquals(one.size(), ranks.get(0).size());
        for (int b = 0; b < one.size(); b++) {
            int[] merged = new int[one.get(b).length];
            for (int j = 0; j < merged.length; j++) {
                merged[j] = ranks.get(j % 2).get(b)[j / 2];
            }
            assertArrayEquals(one.get(b), merged, "global batch " + b);
        }
    }

    @Test
    void evaluationVisitsEverySampleOnceInTheShardsOrderWithOneStream() {
        Dataset interleaved = dataset("urls = " + urls(shards));
        try (DataLoader l = interleaved.loader(new LoaderSettings(10, 0, false, false, 0, 0, 1, false))) {
            Set<Integer> seen = new HashSet<>();
            epoch(l, 0, 0).forEach(b -> java.util.Arrays.stream(b).forEach(seen::add));
            assertEquals(45, seen.size());
        }
        Dataset ds = dataset("urls = " + urls(shards) + ", streams = 1");
        try (DataLoader l = ds.loader(new LoaderSettings(10, 0, false, false, 0, 0, 1, false))) {
            List<int[]> all = epoch(l, 0, 0);
            int k = 0;
            for (int[] b : all) {
                for (int id : b) {
                    assertEquals(k++, id);
                }
            }
            assertEquals(45, k);
        }
    }

    @Test
    void aSingleSampleIsReachableByIndex() throws Exception {
        ImageDataset ds = (ImageDataset) dataset("urls = " + urls(shards));
        assertEquals(30, ShardFixtures.sampleOf(((org.easycv4j.data.image.FloatImage) ds.produce(0, 0, 30).image()).data(), 0));
        assertEquals(30 % 4, ds.source().load(30, ds.backend()).label());
        assertEquals("png", ds.source().stored(30).orElseThrow().extension());
    }

    @Test
    void aTruncatedShardsMissingSamplesAreBadSamplesReplacedFromTheirWindow(@TempDir Path tmp) throws IOException {
        Path d = ShardFixtures.write(tmp.resolve("cut"), 45, 7);
        Path victim = d.resolve("s-000002.tar");
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Dataset ds = dataset("urls = " + urls(d) + ", streams = 1, shuffle_buffer = 50");
        ImageDataset ids = (ImageDataset) ds;
        try (DataLoader l = ds.loader(new LoaderSettings(5, 0, true, false, 3, 0, 1))) {
            List<int[]> batches = epoch(l, 0, 0);
            Set<Integer> seen = new HashSet<>();
            batches.forEach(b -> java.util.Arrays.stream(b).forEach(seen::add));
            // shard 2 holds samples 14..20; the first half of it is readable
            int lost = 0;
            for (int i = 14; i < 21; i++) {
                lost += seen.contains(i) ? 0 : 1;
            }
            assertTrue(lost >= 3 && lost < 7, "lost " + lost);
            assertEquals(lost, ids.badSamples().count());
            String first = ids.badSamples().list().get(0).where() + ": " + ids.badSamples().list().get(0).reason();
            assertTrue(first.contains("s-000002.tar (sample ") && first.contains("of 7)"), first);
        }
    }

    @Test
    void aMissingShardInTheRangeFailsBeforeTrainingNamingIt(@TempDir Path tmp) throws IOException {
        Path d = ShardFixtures.write(tmp.resolve("gap"), 45, 7);
        Files.delete(d.resolve("s-000004.tar"));
        Exception e = assertThrows(RuntimeException.class, () -> dataset("urls = " + urls(d)));
        String m = rootMessage(e);
        assertTrue(m.contains("shard not found") && m.contains("s-000004.tar"), m);
    }

    @Test
    void aSampleWithoutLabelOrImageIsABadSampleNamingItsKey(@TempDir Path tmp) throws IOException {
        Path d = tmp.resolve("odd");
        try (ShardWriter w = ShardWriter.builder().setOutput(d).optPrefix("s").optClasses(List.of(), 4).build()) {
            for (int i = 0; i < 6; i++) {
                java.util.Map<String, byte[]> m = new java.util.LinkedHashMap<>();
                m.put(i == 4 ? "txt" : "png", i == 2 ? new byte[] {1, 2, 3} : Fixtures.encode(Fixtures.gradient(8, 8, i), "png"));
                if (i != 1) {
                    m.put("cls", Integer.toString(i % 4).getBytes());
                }
                w.write(String.format("%06d", i), m);
            }
        }
        ImageDataset ds = (ImageDataset) dataset("urls = " + q(d.resolve("s-000000.tar")) + ", streams = 1");
        try (DataLoader l = ds.loader(new LoaderSettings(6, 0, false, false, 3, 0, 1, false))) {
            epoch(l, 0, 0);
        }
        List<String> reasons = ds.badSamples().list().stream().map(b -> b.where() + ": " + b.reason()).toList();
        assertEquals(3, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("#000001") && r.contains("no .cls member")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("#000004") && r.contains("no image member")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("#000002")), reasons.toString());
    }

    /** The message of the shard error in the chain, else of the innermost cause. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof ShardException)) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Test
    void unknownTypeOfBadSampleBudgetStillStopsARunOfJunk(@TempDir Path tmp) throws IOException {
        Path d = tmp.resolve("junk");
        try (ShardWriter w = ShardWriter.builder().setOutput(d).optPrefix("s").optClasses(List.of(), 4).build()) {
            for (int i = 0; i < 6; i++) {
                w.write(String.format("%06d", i), java.util.Map.of("png", new byte[] {9, 9}, "cls", "0".getBytes()));
            }
        }
        Dataset ds = dataset("urls = " + q(d.resolve("s-000000.tar")) + ", streams = 1");
        try (DataLoader l = ds.loader(new LoaderSettings(2, 0, false, false, 3, 0, 1, false))) {
            assertThrows(TooManyBadSamplesException.class, () -> epoch(l, 0, 0));
        }
    }
}
