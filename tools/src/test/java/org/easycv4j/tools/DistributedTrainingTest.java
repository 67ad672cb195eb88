package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.core.dist.MpiRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mpirun -np 2 ... train CONFIG --launcher mpi} against one process with the doubled batch, on the demo
 * ViT classifier: 3 optimizer steps with clipping and AdamW, distributed evaluation of a set that does not divide
 * by the world size, checkpoints resumed across world sizes. All traffic stays on shared memory and loopback.
 */
class DistributedTrainingTest {
    private static final Path CONFIG = Path.of("..", "configs", "demo", "fashion_mnist",
            "vit_tiny_p4_finetune_from_scratch.conf").toAbsolutePath().normalize();
    private static final String ROOT = "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist")
            .toAbsolutePath().normalize() + "\"";
    private static final Duration LIMIT = Duration.ofMinutes(4);

    @BeforeAll
    static void needsMpi() {
        assumeTrue(MpiRun.available(), "mpirun not installed (apt-get install openmpi-bin libopenmpi-dev)");
    }

    /** 24 training images: 3 batches of 8 in one process, of 4 per rank in two; 37 validation images. */
    static List<String> args(Path workDir, int imgsPerGpu, int epochs, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", CONFIG.toString(), "--work-dir", workDir.toString(),
                "--set", ROOT, "--set", "progress=off", "--set", "model.pretrained=null",
                "--set", "model.backbone.drop_path_rate=0", "--set", "data.workers_per_gpu=1",
                "--set", "data.train.data_source.max_data_num=24", "--set", "data.imgs_per_gpu=" + imgsPerGpu,
                "--set", "data.val.data_source.max_data_num=37", "--set", "total_epochs=" + epochs,
                "--set", "log_config.interval=1", "--set", "checkpoint_config={interval=1, max_keep_ckpts=-1}",
                "--set", "eval_config={interval=1}", "--set", "optimizer.lr=1e-3",
                "--set", "lr_config=null", "--set", "lr_config={policy=Fixed}",
                // A threshold below the gradients' norm: every step is clipped.
                "--set", "optimizer_config={grad_clip={max_norm=0.05}}"));
        a.addAll(List.of(extra));
        return a;
    }

    static void trainHere(List<String> args) {
        assertEquals(0, Main.run(args.toArray(String[]::new)));
    }

    private static void trainTwoRanks(Path dir, List<String> args) throws Exception {
        List<String> a = new ArrayList<>(args);
        a.add("--launcher");
        a.add("mpi");
        MpiRun.Result r = MpiRun.run(2, MpiRun.java(Main.class.getName(), a), dir, LIMIT);
        assertFalse(r.timedOut(), r.output());
        assertEquals(0, r.exitCode(), r.output());
    }

    static List<JsonObject> records(Path workDir, String mode) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(workDir.resolve("metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("mode").getAsString().equals(mode)) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * The 3 logged losses of two MAE runs of {@link #maeArgs} (24 images: 3 steps only when each step saw 8) agree
     * within 1e-5 and so do their weights after epoch 1; the losses move (it trains).
     */
    static void assertMaeRunsAlike(Path one, Path two) throws Exception {
        List<JsonObject> a = records(one, "train");
        List<JsonObject> b = records(two, "train");
        assertEquals(3, a.size());
        assertEquals(3, b.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(a.get(i).get("loss").getAsDouble(), b.get(i).get("loss").getAsDouble(), 1e-5, "loss " + i);
        }
        assertNotEquals(a.get(0).get("loss").getAsDouble(), a.get(2).get("loss").getAsDouble(), "it trains");
        assertSameWeights(one.resolve("epoch_1"), two.resolve("epoch_1"));
    }

    static void assertSameWeights(Path a, Path b) {
        double maxDiff = StopRuns.maxWeightDifference(a, b);
        assertTrue(maxDiff <= 1e-5, "weights of " + a + " and " + b + " differ by up to " + maxDiff);
    }

    @Test
    void twoRanksTrainEvaluateAndResumeLikeOneProcessWithTheWholeBatch(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one");
        trainHere(args(one, 8, 2));
        Path two = dir.resolve("two");
        trainTwoRanks(dir, args(two, 4, 1));

        // Losses of the 3 steps of epoch 1 (the mean over the ranks), logged once: rank 0 alone writes.
        List<JsonObject> a = records(one, "train");
        List<JsonObject> b = records(two, "train");
        assertEquals(6, a.size());
        assertEquals(3, b.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(a.get(i).get("loss").getAsDouble(), b.get(i).get("loss").getAsDouble(), 1e-5, "loss " + i);
            assertEquals(a.get(i).get("lr").getAsDouble(), b.get(i).get("lr").getAsDouble(), 0.0, "lr " + i);
        }
        assertNotEquals(a.get(0).get("loss").getAsDouble(), a.get(2).get("loss").getAsDouble(), "it trains");
        assertSameWeights(one.resolve("epoch_1"), two.resolve("epoch_1"));

        // 37 validation images over 2 ranks (19 + 18): the counts add up to the one-process accuracy exactly.
        JsonObject va = records(one, "val").get(0);
        JsonObject vb = records(two, "val").get(0);
        assertEquals(1, records(two, "val").size());
        assertEquals(va.get("top1").getAsDouble(), vb.get("top1").getAsDouble(), 0.0);
        assertEquals(va.get("top5").getAsDouble(), vb.get("top5").getAsDouble(), 0.0);
        assertEquals(va.get("loss").getAsDouble(), vb.get("loss").getAsDouble(), 1e-5);
        // A percentage of 37 images: k / 37.
        double correct = va.get("top5").getAsDouble() * 37 / 100;
        assertEquals(Math.rint(correct), correct, 1e-9);

        // The 2-rank checkpoint continues in one process, the 1-process one with two ranks; both reach epoch 2
        // of the uninterrupted one-process run.
        Path oneFromTwo = dir.resolve("one_from_two");
        trainHere(args(oneFromTwo, 8, 2, "--resume-from", two.resolve("epoch_1").toString()));
        assertSameWeights(one.resolve("epoch_2"), oneFromTwo.resolve("epoch_2"));
        Path twoFromOne = dir.resolve("two_from_one");
        trainTwoRanks(dir, args(twoFromOne, 4, 2, "--resume-from", one.resolve("epoch_1").toString()));
        assertSameWeights(one.resolve("epoch_2"), twoFromOne.resolve("epoch_2"));
        assertEquals(3, records(twoFromOne, "train").size());
        assertTrue(Files.exists(twoFromOne.resolve("provenance.json")));
    }

    /** MAE on 24 images: masks drawn per sample (IndexNoise), so both runs mask every image alike. */
    static List<String> maeArgs(Path workDir, int imgsPerGpu) {
        Path config = CONFIG.resolveSibling("mae_vit_tiny_p4_pretrain.conf");
        return new ArrayList<>(List.of("train", config.toString(), "--work-dir", workDir.toString(),
                "--set", ROOT, "--set", "progress=off", "--set", "custom_hooks=[]",
                "--set", "modules=[\"" + IndexNoiseModule.class.getName() + "\"]",
                "--set", "data.train.type=IndexNoise", "--set", "data.train.patches=49",
                "--set", "data.workers_per_gpu=1", "--set", "data.train.data_source.max_data_num=24",
                "--set", "data.imgs_per_gpu=" + imgsPerGpu, "--set", "total_epochs=1",
                "--set", "log_config.interval=1", "--set", "optimizer.lr=1e-3",
                "--set", "lr_config=null", "--set", "lr_config={policy=Fixed}",
                "--set", "optimizer_config={grad_clip={max_norm=0.05}}"));
    }

    @Test
    void twoMaeRanksTrainLikeOneProcessWithTheWholeBatch(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one");
        trainHere(maeArgs(one, 8));
        Path two = dir.resolve("two");
        trainTwoRanks(dir, maeArgs(two, 4));
        assertMaeRunsAlike(one, two);
    }

    /** The same 24 images as WebDataset shards (make-shards): the ranks read disjoint streams of them. */
    @Test
    void twoMaeRanksFromShardsTrainLikeOneProcessWithTheWholeBatch(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src.conf");
        Files.writeString(src, "data.train.data_source { type = ClsSourceIdx, root = \"" + Path.of("..", "demo",
                "fashion-mnist").toAbsolutePath().normalize() + "\", split = train, max_data_num = 24 }\n");
        Path shards = dir.resolve("shards");
        CliRun.out("make-shards", src.toString(), "--out", shards.toString(), "--prefix", "fm", "--max-count", "5");
        String[] source = {"--set", "data.train.data_source=null", "--set", "data.train.data_source={type = "
                + "WebDatasetSource, to_rgb = false, streams = 2, shuffle_buffer = 4, urls = \""
                + shards.resolve("fm-{000000..000004}.tar") + "\"}"};
        Path one = dir.resolve("one");
        List<String> a = maeArgs(one, 8);
        a.addAll(List.of(source));
        trainHere(a);
        Path two = dir.resolve("two");
        List<String> b = maeArgs(two, 4);
        b.addAll(List.of(source));
        trainTwoRanks(dir, b);
        assertTrue(Files.readString(two.resolve("config.resolved.conf")).contains("WebDatasetSource"));
        assertMaeRunsAlike(one, two);
    }

    @Test
    void theKnnMonitorGivesTwoRanksTheOneProcessAccuracy(@TempDir Path dir) throws Exception {
        // 37 bank images (19 + 18 per rank, gathered) and 29 queries (15 + 14, counts added).
        String knn = "custom_hooks=[{type = KNNEvalHook, k = 5, imgs_per_gpu = 8, workers_per_gpu = 0,"
                + " bank {type = ClsDataset, data_source = ${vars.fmnist_knn_source} {max_data_num = 37},"
                + " pipeline = ${vars.fmnist_test_pipeline}},"
                + " query {type = ClsDataset, data_source = ${vars.fmnist_knn_source} {start = 3000, max_data_num = 29},"
                + " pipeline = ${vars.fmnist_test_pipeline}}}]";
        Path one = dir.resolve("one");
        List<String> a = maeArgs(one, 8);
        a.addAll(List.of("--set", knn));
        trainHere(a);
        Path two = dir.resolve("two");
        List<String> b = maeArgs(two, 4);
        b.addAll(List.of("--set", knn));
        trainTwoRanks(dir, b);
        JsonObject va = records(one, "val").get(0);
        JsonObject vb = records(two, "val").get(0);
        assertEquals(1, records(two, "val").size(), "rank 0 alone writes");
        assertEquals(va.get("knn_top1").getAsDouble(), vb.get("knn_top1").getAsDouble(), 0.0);
        assertEquals(va.get("knn_top5").getAsDouble(), vb.get("knn_top5").getAsDouble(), 0.0);
        double correct = va.get("knn_top1").getAsDouble() * 29 / 100;
        assertEquals(Math.rint(correct), correct, 1e-9, "a count out of 29 queries");
    }

    /** {@code tools/sweep} with the {@link #args} of {@code train}: the same overrides at every point. */
    private static List<String> sweepArgs(Path out, int imgsPerGpu) {
        List<String> a = new ArrayList<>(List.of("sweep", CONFIG.toString(), "--out", out.toString(),
                "--grid", "optimizer.lr=1e-3,3e-3"));
        a.addAll(args(out, imgsPerGpu, 1).subList(4, args(out, imgsPerGpu, 1).size()));
        return a;
    }

    @Test
    void aTwoRankSweepTrainsEveryPointAsOneProcessWithTheDoubledBatchAndSkipsThemWhenRunAgain(@TempDir Path dir)
            throws Exception {
        Path one = dir.resolve("one");
        assertEquals(0, Main.run(sweepArgs(one, 8).toArray(String[]::new)));
        Path two = dir.resolve("two");
        trainTwoRanks(dir, sweepArgs(two, 4));
        for (String point : List.of("optimizer.lr=1e-3_seed=0", "optimizer.lr=3e-3_seed=0")) {
            assertSameWeights(one.resolve(point).resolve("epoch_1"), two.resolve(point).resolve("epoch_1"));
            assertEquals(records(one.resolve(point), "val").get(0).get("top1").getAsDouble(),
                    records(two.resolve(point), "val").get(0).get("top1").getAsDouble(), 0.0, point);
            assertEquals(3, records(two.resolve(point), "train").size(), "rank 0 alone writes " + point);
            assertTrue(Files.isRegularFile(two.resolve(point).resolve("sweep_result.json")), point);
        }
        String csv = Files.readString(two.resolve("sweep.csv"));
        assertEquals(3, csv.strip().split("\n").length, "a header and one row per point, written once:\n" + csv);

        // Run again: both points are finished, on every rank alike (no rank trains while another waits).
        List<String> again = new ArrayList<>(sweepArgs(two, 4));
        again.addAll(List.of("--launcher", "mpi"));
        MpiRun.Result r = MpiRun.run(2, MpiRun.java(Main.class.getName(), again), dir, LIMIT);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(2, r.output().split("finished before, skipped", -1).length - 1, r.output());
    }
}
