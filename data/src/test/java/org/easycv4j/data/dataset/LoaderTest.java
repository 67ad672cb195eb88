package org.easycv4j.data.dataset;

import static org.easycv4j.data.Fixtures.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.source.Idx;
import org.easycv4j.data.source.TooManyBadSamplesException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
    static final Components COMPONENTS = Fixtures.components();
    static NDManager manager;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        manager = NDManager.newBaseManager();
        int n = 20;
        byte[] px = new byte[n * 8 * 8];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 4);
            for (int k = 0; k < 64; k++) {
                px[i * 64 + k] = (byte) (i * 10 + k);
            }
        }
        Idx.writeImages(dir.resolve("idx/train-images-idx3-ubyte.gz"), new Idx.Images(n, 8, 8, px));
        Idx.writeLabels(dir.resolve("idx/train-labels-idx1-ubyte.gz"), labels);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static String idxSource() {
        return "data_source { type = ClsSourceIdx, root = " + q(dir.resolve("idx")) + ", to_rgb = true }";
    }

    static final String AUGMENT = "pipeline = [ {type = RandomResizedCrop, size = 6, scale = [0.3, 1.0]},"
            + " {type = RandomHorizontalFlip}, {type = RandAugment, config_str = \"rand-m9-mstd0.5-inc1\"},"
            + " {type = ToTensor}, {type = Normalize}, {type = RandomErasing, p = 0.5, mode = pixel},"
            + " {type = Collect, keys = [img, gt_labels]} ]";

    static Dataset dataset(String hocon) {
        ConfigNode n = Fixtures.node(hocon);
        Spec<Dataset> spec = COMPONENTS.parse(n, Dataset.KIND).orElseThrow(() -> new AssertionError(n.problems().list()));
        assertTrue(n.problems().isEmpty(), () -> n.problems().list().toString());
        return spec.create(Fixtures.context(dir));
    }

    static LoaderSettings settings(int batch, int workers, boolean shuffle, boolean dropLast, int rank, int world) {
        return new LoaderSettings(batch, workers, shuffle, dropLast, 7, rank, world);
    }

    /** All batches of one epoch as float arrays (images, then labels). */
    static List<float[]> epoch(DataLoader loader, int epoch) {
        List<float[]> out = new ArrayList<>();
        Iterator<Batch> it = loader.epoch(epoch, manager);
        while (it.hasNext()) {
            try (Batch b = it.next()) {
                out.add(b.inputs().get(0).toFloatArray());
                if (!b.labels().isEmpty()) {
                    out.add(b.labels().get(0).toType(DataType.FLOAT32, false).toFloatArray());
                }
            }
        }
        return out;
    }

    @Test
    void batchesHaveShapesAndDtypesOfTheContract() {
        Dataset ds = dataset("type = ClsDataset, " + idxSource() + ", " + AUGMENT);
        assertEquals(20, ds.size());
        try (DataLoader loader = ds.loader(settings(8, 1, true, false, 0, 1))) {
            assertEquals(3, loader.batchesPerEpoch());
            Iterator<Batch> it = loader.epoch(0, manager);
            int sizes = 0;
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    assertEquals(DataType.FLOAT32, b.inputs().get(0).getDataType());
                    assertEquals(new Shape(b.size(), 3, 6, 6), b.inputs().get(0).getShape());
                    assertEquals(DataType.INT64, b.labels().get(0).getDataType());
                    assertEquals(new Shape(b.size()), b.labels().get(0).getShape());
                    sizes += b.size();
                }
            }
            assertEquals(20, sizes);
        }
    }

    @Test
    void sameSeedGivesIdenticalBatchesWithZeroOneAndTwoWorkers() {
        Dataset ds = dataset("type = ClsDataset, " + idxSource() + ", " + AUGMENT
                + ", mixup { mixup_alpha = 0.8, cutmix_alpha = 1.0 }");
        List<List<float[]>> runs = new ArrayList<>();
        for (int workers : new int[] {0, 1, 2}) {
            try (DataLoader loader = ds.loader(settings(6, workers, true, true, 0, 1))) {
                runs.add(epoch(loader, 3));
            }
        }
        for (int r = 1; r < 3; r++) {
            assertEquals(runs.get(0).size(), runs.get(r).size());
            for (int i = 0; i < runs.get(0).size(); i++) {
                assertArrayEquals(runs.get(0).get(i), runs.get(r).get(i), "run " + r + " array " + i);
            }
        }
        try (DataLoader loader = ds.loader(settings(6, 2, true, true, 0, 1))) {
            List<float[]> other = epoch(loader, 4);
            assertFalse(Arrays.equals(runs.get(0).get(0), other.get(0)), "a new epoch must reshuffle and re-augment");
        }
    }

    /**
     * engine_normalize = true: uint8 batches converted by the engine give the loader's own float batches to
     * within float rounding, with the same labels; the image buffers are uint8-sized. "auto" on a CPU, a Mixup
     * config, or a pipeline not ending in ToTensor + Normalize keep the float path.
     */
    @Test
    void engineNormalizedUint8BatchesEqualTheLoadersFloatBatches() {
        String pipeline = "pipeline = [ {type = RandomResizedCrop, size = 6, scale = [0.3, 1.0]},"
                + " {type = RandomHorizontalFlip}, {type = ToTensor},"
                + " {type = Normalize, mean = [0.5, 0.4, 0.3], std = [0.2, 0.25, 0.3]}, {type = Collect} ]";
        Dataset floats = dataset("type = ClsDataset, engine_normalize = false, " + idxSource() + ", " + pipeline);
        Dataset bytes = dataset("type = ClsDataset, engine_normalize = true, " + idxSource() + ", " + pipeline);
        assertTrue(((ImageDataset) bytes).engineNormalizes(Device.cpu()));
        assertFalse(((ImageDataset) floats).engineNormalizes(Device.cpu()));
        assertFalse(((ImageDataset) dataset("type = ClsDataset, " + idxSource() + ", " + pipeline))
                .engineNormalizes(Device.cpu()), "auto keeps the float path on a CPU");
        assertTrue(((ImageDataset) dataset("type = ClsDataset, " + idxSource() + ", " + pipeline))
                .engineNormalizes(Device.gpu()), "auto normalizes on the engine for a GPU");
        assertFalse(((ImageDataset) dataset("type = ClsDataset, engine_normalize = true, " + idxSource() + ", "
                + AUGMENT)).engineNormalizes(Device.cpu()), "RandomErasing after Normalize needs floats");
        for (int workers : new int[] {0, 2}) {
            List<float[]> a;
            List<float[]> b;
            try (DataLoader loader = floats.loader(settings(8, workers, true, false, 0, 1))) {
                a = epoch(loader, 1);
            }
            try (DataLoader loader = bytes.loader(settings(8, workers, true, false, 0, 1))) {
                b = epoch(loader, 1);
            }
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i), 2e-6f, "workers " + workers + ", array " + i);
            }
        }
        // Raw values: byte 0 of a channel with mean 0.5, std 0.2 is -2.5, byte 255 is 2.5.
        float[][] affine = ((ImageDataset) bytes).pipeline().tailAffine(3, "test");
        assertEquals(-2.5f, affine[1][0], 1e-6f);
        assertEquals(2.5f, 255 * affine[0][0] + affine[1][0], 1e-5f);
    }

    @Test
    void mixupGivesSoftTargetsSummingToOne() {
        Dataset ds = dataset("type = ClsDataset, " + idxSource() + ", pipeline = [{type = ToTensor}],"
                + " mixup { label_smoothing = 0.1 }");
        try (DataLoader loader = ds.loader(settings(4, 0, false, true, 0, 1))) {
            try (Batch b = loader.epoch(0, manager).next()) {
                assertEquals(new Shape(4, 4), b.labels().get(0).getShape());
                assertEquals(DataType.FLOAT32, b.labels().get(0).getDataType());
                float[] t = b.labels().get(0).toFloatArray();
                for (int i = 0; i < 4; i++) {
                    assertEquals(1f, t[i * 4] + t[i * 4 + 1] + t[i * 4 + 2] + t[i * 4 + 3], 1e-5f);
                }
            }
        }
    }

    @Test
    void unshuffledOrderShardingAndDropLast() {
        Dataset ds = dataset("type = RawDataset, " + idxSource() + ", pipeline = [{type = ToTensor}]");
        Set<Integer> seen = new HashSet<>();
        for (int rank = 0; rank < 3; rank++) {
            try (ImageLoader loader = (ImageLoader) ds.loader(settings(3, 0, true, false, rank, 3))) {
                int[] order = loader.order(2);
                assertEquals(7, order.length); // ceil(20 / 3), padded cyclically
                for (int i : order) {
                    seen.add(i);
                }
                assertEquals(3, loader.batchesPerEpoch());
            }
        }
        assertEquals(20, seen.size());
        try (DataLoader loader = ds.loader(settings(3, 0, false, true, 0, 1))) {
            assertEquals(6, loader.batchesPerEpoch());
            Iterator<Batch> it = loader.epoch(0, manager);
            try (Batch b = it.next()) {
                assertTrue(b.labels().isEmpty(), "RawDataset batches carry no labels");
                // pixel 0 of images 0, 1, 2 (unshuffled) is 0, 10, 20 / 255
                float[] x = b.inputs().get(0).toFloatArray();
                assertEquals(10f / 255f, x[3 * 64], 1e-6f);
                assertEquals(20f / 255f, x[2 * 3 * 64], 1e-6f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ds.loader(settings(30, 0, false, true, 0, 1)));
    }

    /**
     * 20 samples over 3 ranks: drop_last cuts the order to 18 (6 each, DistributedSampler's rule); evaluation
     * shards (7, 7, 6) are not padded and hold every sample exactly once.
     */
    @Test
    void dropLastCutsTheShardsAndEvaluationShardsSeeEverySampleOnce() {
        Dataset ds = dataset("type = RawDataset, " + idxSource() + ", pipeline = [{type = ToTensor}]");
        Set<Integer> cut = new HashSet<>();
        for (int rank = 0; rank < 3; rank++) {
            try (ImageLoader loader = (ImageLoader) ds.loader(settings(3, 0, true, true, rank, 3))) {
                int[] order = loader.order(1);
                assertEquals(6, order.length);
                assertEquals(2, loader.batchesPerEpoch());
                for (int i : order) {
                    assertTrue(cut.add(i), "sample " + i + " twice");
                }
            }
        }
        assertEquals(18, cut.size());
        List<Integer> all = new ArrayList<>();
        int[] sizes = {7, 7, 6};
        for (int rank = 0; rank < 3; rank++) {
            try (ImageLoader loader = (ImageLoader) ds.loader(
                    new LoaderSettings(4, 0, false, false, 7, rank, 3, false))) {
                int[] order = loader.order(0);
                assertEquals(sizes[rank], order.length);
                assertEquals(2, loader.batchesPerEpoch());
                for (int k = 0; k < order.length; k++) {
                    assertEquals(rank + 3 * k, order[k]);
                    all.add(order[k]);
                }
            }
        }
        java.util.Collections.sort(all);
        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), all);
    }

    @Test
    void epochOrderPadsCyclicallyAndStridesByRank() {
        // 5 samples over 2 ranks: 3 each, the padding wraps to index 0 (DistributedSampler's rule)
        assertArrayEquals(new int[] {0, 2, 4}, new EpochOrder(5, settings(2, 0, false, false, 0, 2), "d").indices(0));
        assertArrayEquals(new int[] {1, 3, 0}, new EpochOrder(5, settings(2, 0, false, false, 1, 2), "d").indices(0));
        EpochOrder shuffled = new EpochOrder(5, settings(2, 0, true, false, 0, 1), "d");
        assertArrayEquals(shuffled.indices(3), shuffled.indices(3), "a function of (seed, epoch)");
        int[] sorted = shuffled.indices(3).clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, sorted);
        assertEquals(3, shuffled.batches());
        assertEquals(2, new EpochOrder(5, settings(2, 0, false, true, 0, 1), "d").batches());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EpochOrder(0, settings(2, 0, false, false, 0, 1), "empty"));
        assertTrue(e.getMessage().contains("empty: the data source has no samples"), e.getMessage());
    }

    @Test
    void batchArraysStayValidWhileLaterBatchesAreLoaded() {
        Dataset ds = dataset("type = ClsDataset, " + idxSource() + ", pipeline = [{type = ToTensor}]");
        try (DataLoader loader = ds.loader(settings(2, 2, false, false, 0, 1))) {
            Iterator<Batch> it = loader.epoch(0, manager);
            Batch first = it.next();
            float[] before = first.inputs().get(0).toFloatArray();
            while (it.hasNext()) {
                it.next().close();
            }
            assertArrayEquals(before, first.inputs().get(0).toFloatArray());
            first.close();
        }
    }

    @Test
    void batchBuffersAreReusedOnceBatchesAreClosed() {
        Dataset ds = dataset("type = ClsDataset, " + idxSource() + ", pipeline = [{type = ToTensor}]");
        try (ImageLoader loader = (ImageLoader) ds.loader(settings(2, 2, false, false, 0, 1))) {
            assertEquals(10, loader.batchesPerEpoch());
            for (int e = 0; e < 3; e++) {
                Iterator<Batch> it = loader.epoch(e, manager);
                while (it.hasNext()) {
                    it.next().close();
                }
            }
            // 5 slots (2 workers x 2 in flight + 1) over 30 batches
            assertTrue(loader.bufferAllocations() <= 5, "allocations " + loader.bufferAllocations());
        }
        Dataset copying = dataset("type = ClsDataset, share_batch_memory = false, " + idxSource()
                + ", pipeline = [{type = ToTensor}]");
        try (ImageLoader loader = (ImageLoader) copying.loader(settings(2, 1, false, false, 0, 1))) {
            List<Batch> kept = new ArrayList<>();
            Iterator<Batch> it = loader.epoch(0, manager);
            while (it.hasNext()) {
                kept.add(it.next());
            }
            assertTrue(loader.bufferAllocations() <= 3, "copies need no new buffers: " + loader.bufferAllocations());
            // image 0 pixel 0 = 0, image 2 pixel 0 = 20 / 255, unchanged after the whole epoch was loaded
            assertEquals(20f / 255f, kept.get(1).inputs().get(0).toFloatArray()[0], 1e-6f);
            kept.forEach(Batch::close);
        }
    }

    @Test
    void closingTheLoaderStopsItsThreadsEvenMidEpoch() {
        Dataset ds = dataset("type = ClsDataset, " + idxSource() + ", pipeline = [{type = ToTensor}]");
        ImageLoader loader = (ImageLoader) ds.loader(settings(2, 2, true, false, 0, 1));
        Iterator<Batch> it = loader.epoch(0, manager);
        it.next().close();
        loader.epoch(1, manager).next().close(); // abandons epoch 0 with batches in flight
        loader.close();
        assertTrue(loader.isTerminated());
        assertThrows(IllegalStateException.class, () -> loader.epoch(2, manager));
    }

    @Test
    void badFilesAreSkippedAndCountedUntilTheBudgetIsExceeded() {
        Path root = dir.resolve("files");
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            Fixtures.writeImage(root.resolve(i + ".png"), 10, 9, i);
            list.append(i).append(".png ").append(i % 2).append('\n');
        }
        Fixtures.writeText(root.resolve("broken.png"), "not a png");
        list.insert(0, "missing.png 0\nbroken.png 1\nmalformed\n");
        Path listFile = Fixtures.writeText(dir.resolve("list.txt"), list.toString());
        String source = "data_source { type = ClsSourceImageList, list_file = " + q(listFile) + ", root = " + q(root) + " }";
        String pipeline = "pipeline = [{type = CenterCrop, size = 8}, {type = ToTensor}]";
        Dataset ds = dataset("type = ClsDataset, max_bad_samples = 3, " + source + ", " + pipeline);
        ImageDataset image = (ImageDataset) ds;
        assertEquals(1, image.badSamples().count()); // the malformed line, found at create
        assertEquals(listFile + ":3", image.badSamples().list().get(0).where());
        try (DataLoader loader = ds.loader(settings(4, 2, false, false, 0, 1))) {
            List<float[]> batches = epoch(loader, 0);
            assertEquals(4, batches.size());
            assertEquals(3, image.badSamples().count());
            // the two bad entries (indices 0 and 1) were replaced by the next good one (index 2 = 0.png)
            assertArrayEquals(new float[] {0, 0, 0, 1}, batches.get(1));
            assertTrue(image.badSamples().list().get(1).where().endsWith("missing.png"));
            assertTrue(image.badSamples().list().get(2).reason().contains("not an image"));
        }
        Dataset strict = dataset("type = ClsDataset, max_bad_samples = 2, " + source + ", " + pipeline);
        try (DataLoader loader = strict.loader(settings(4, 1, false, false, 0, 1))) {
            TooManyBadSamplesException e = assertThrows(TooManyBadSamplesException.class,
                    () -> loader.epoch(0, manager).next());
            assertTrue(e.getMessage().contains("3 bad samples, more than max_bad_samples = 2"), e.getMessage());
            assertTrue(e.getMessage().contains("missing.png: file not found"), e.getMessage());
        }
        ComponentBuildException e = assertThrows(ComponentBuildException.class,
                () -> dataset("type = ClsDataset, max_bad_samples = 0, " + source + ", " + pipeline));
        assertTrue(e.getMessage().contains(listFile + ":3: malformed line"), e.getMessage());
    }

    /**
     * With RandomResizedCrop first, JPEGs reach it still encoded: the batches are those of the decoded path (a
     * leading no-op Collect keeps the source decoding), and a file whose header reads but whose data does not
     * decode is a bad sample found in the transform, skipped and counted like one the source rejects.
     */
    @Test
    void encodedJpegsGiveTheBatchesOfTheDecodedPathAndLateDecodeFailuresAreBadSamples() {
        Path root = dir.resolve("jpegs");
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            Fixtures.writeImage(root.resolve(i + ".jpg"), 40 + 3 * i, 30 + i, i);
            list.append(i).append(".jpg ").append(i % 3).append('\n');
        }
        byte[] good = Fixtures.encode(Fixtures.gradient(40, 30, 1), "jpg");
        Fixtures.write(root.resolve("headless.jpg"), org.easycv4j.data.image.ReducedDecodeTest.noScan(good));
        list.insert(0, "headless.jpg 1\n");
        Path listFile = Fixtures.writeText(dir.resolve("jpegs.txt"), list.toString());
        String source = "data_source { type = ClsSourceImageList, list_file = " + q(listFile) + ", root = " + q(root) + " }";
        String crop = "{type = RandomResizedCrop, size = 16, scale = [0.2, 1.0], interpolation = bicubic,"
                + " reduced_decode = false}, {type = RandomHorizontalFlip}, {type = ToTensor}, {type = Normalize}";
        Dataset encoded = dataset("type = ClsDataset, max_bad_samples = 1, " + source + ", pipeline = [" + crop + "]");
        Dataset decoded = dataset("type = ClsDataset, max_bad_samples = 1, " + source + ", pipeline = [{type = Collect},"
                + crop + "]");
        // crops of 2x the output size or more are decoded at 1/2 scale: other pixels, as reproducible
        Dataset reduced = dataset("type = ClsDataset, max_bad_samples = 1, " + source + ", pipeline = ["
                + crop.replace("reduced_decode = false", "reduced_decode = true") + "]");
        List<float[]> reducedBatches = null;
        for (int workers : new int[] {0, 2}) {
            try (DataLoader a = encoded.loader(settings(4, workers, true, false, 0, 1));
                    DataLoader b = decoded.loader(settings(4, workers, true, false, 0, 1));
                    DataLoader c = reduced.loader(settings(4, workers, true, false, 0, 1))) {
                List<float[]> x = epoch(a, 1);
                List<float[]> y = epoch(b, 1);
                List<float[]> z = epoch(c, 1);
                assertEquals(y.size(), x.size());
                boolean differ = false;
                for (int k = 0; k < x.size(); k++) {
                    assertArrayEquals(y.get(k), x.get(k), "array " + k);
                    differ |= !Arrays.equals(y.get(k), z.get(k));
                }
                assertTrue(differ, "some crops must have been decoded at reduced scale");
                if (reducedBatches != null) {
                    for (int k = 0; k < z.size(); k++) {
                        assertArrayEquals(reducedBatches.get(k), z.get(k), "array " + k + " with " + workers + " workers");
                    }
                }
                reducedBatches = z;
            }
        }
        ImageDataset image = (ImageDataset) encoded;
        assertEquals(1, image.badSamples().count());
        assertTrue(image.badSamples().list().get(0).where().endsWith("headless.jpg"));
        assertEquals(1, ((ImageDataset) decoded).badSamples().count());
    }

    @Test
    void configErrorsAreCollectedWithPaths() {
        ConfigNode n = Fixtures.node("data { train { type = ClsDataset, " + idxSource() + ", pipeline = ["
                + "{type = RandomResizedCrop, size = 6, scal = [0.2, 1.0]}, {type = RandomResisedCrop, size = 6},"
                + "{type = ToTensor}], decoder = turbo, workers = 2 } }");
        ConfigNode train = n.object("data").object("train");
        COMPONENTS.parse(train, Dataset.KIND);
        List<String> msgs = n.problems().list().stream().map(Object::toString).toList();
        assertEquals(4, msgs.size(), String.join("\n", msgs));
        assertTrue(msgs.stream().anyMatch(m -> m.contains("data.train.pipeline[0].scal") && m.contains("scale")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.contains("data.train.pipeline[1].type")
                && m.contains("unknown transform \"RandomResisedCrop\"") && m.contains("RandomResizedCrop")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.contains("data.train.decoder") && m.contains("turbo")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.contains("data.train.workers") && m.contains("unknown key")), msgs.toString());
    }

    @Test
    void pipelineWithoutToTensorAndUnlabelledClsSourceAreRejected() {
        ConfigNode n = Fixtures.node("type = ClsDataset, " + idxSource() + ", pipeline = [{type = CenterCrop, size = 4}]");
        COMPONENTS.parse(n, Dataset.KIND);
        assertTrue(n.problems().list().toString().contains("expected a ToTensor step"), n.problems().list().toString());
        Fixtures.writeImage(dir.resolve("ssl/a.png"), 4, 4, 0);
        Path list = Fixtures.writeText(dir.resolve("ssl/l.txt"), "a.png\n");
        ComponentBuildException e = assertThrows(ComponentBuildException.class, () -> dataset(
                "type = ClsDataset, data_source { type = SSLSourceImageList, list_file = " + q(list) + ", root = "
                        + q(dir.resolve("ssl")) + "}, pipeline = [{type = ToTensor}]"));
        assertTrue(e.getMessage().contains("has no labels"), e.getMessage());
        assertNotEquals(null, e);
    }
}
