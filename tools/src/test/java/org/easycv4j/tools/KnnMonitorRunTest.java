package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kNN monitor during a short MAE pretraining on the embedded Fashion-MNIST images, and in tools/eval. */
class KnnMonitorRunTest {
    private static final Path DEMO = Path.of("..", "configs", "demo", "fashion_mnist", "mae_vit_tiny_p4_pretrain.conf");
    private static final String ROOT = "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist") + "\"";

    @Test
    void pretrainingWritesKnnAccuraciesToMetricsAndThePlotAndToolsEvalScoresTheSame(@TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("knn.conf");
        Files.writeString(config, "include required(\"" + DEMO.toAbsolutePath() + "\")\n"
                + "vars.small_bank = ${vars.fmnist_knn_source} { max_data_num = 200 }\n"
                + "vars.small_query = ${vars.fmnist_knn_source} { start = 3000, max_data_num = 150 }\n"
                + "custom_hooks = [{ type = PlotHook }, { type = KNNEvalHook, k = 10, interval = 1, initial = true,\n"
                + "  imgs_per_gpu = 64, workers_per_gpu = 0,\n"
                + "  bank { type = ClsDataset, data_source = ${vars.small_bank}, pipeline = ${vars.fmnist_test_pipeline} }\n"
                + "  query { type = ClsDataset, data_source = ${vars.small_query}, pipeline = ${vars.fmnist_test_pipeline} }\n"
                + "}]\n"
                + "eval_pipelines = [{\n"
                + "  data { type = ClsDataset, data_source = ${vars.small_query}, pipeline = ${vars.fmnist_test_pipeline} }\n"
                + "  evaluators = [{ type = KNNEvaluator, k = 10,\n"
                + "    bank { type = ClsDataset, data_source = ${vars.small_bank}, pipeline = ${vars.fmnist_test_pipeline} } }]\n"
                + "}]\n");
        Path work = dir.resolve("mae");
        CliRun.out("train", config.toString(), "--work-dir", work.toString(), "--set", ROOT, "--set",
                "total_epochs=1", "--set", "progress=off", "--set", "data.train.data_source.max_data_num=256",
                "--set", "data.imgs_per_gpu=64");

        List<JsonObject> val = Files.readAllLines(work.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.get("mode").getAsString().equals("val")).toList();
        // The initial run, then after epoch 1 the hook's and the eval pipeline's (the same vote on the same images).
        assertEquals(3, val.size(), val.toString());
        for (JsonObject v : val) {
            double top1 = v.get("knn_top1").getAsDouble();
            double top5 = v.get("knn_top5").getAsDouble();
            assertTrue(top1 > 20 && top1 <= top5 && top5 <= 100, v.toString()); // 10 classes: chance is 10
            assertEquals(Math.rint(top1 * 1.5), top1 * 1.5, 1e-6, "a count out of 150 queries: " + v);
        }
        assertEquals(val.get(1).get("knn_top1"), val.get(2).get("knn_top1"), "hook and eval pipeline agree");
        assertTrue(Files.size(work.resolve("plots").resolve("accuracy.png")) > 0);
        String log = Files.readString(work.resolve("train.log"));
        assertTrue(log.contains("Epoch(val) [1]\tknn_top1: "), log);

        Path out = dir.resolve("eval.json");
        CliRun.out("eval", config.toString(), work.resolve("epoch_1").toString(), "--set", ROOT, "--out",
                out.toString());
        JsonObject metrics = JsonParser.parseString(Files.readString(out)).getAsJsonObject().getAsJsonObject("metrics");
        assertEquals(val.get(2).get("knn_top1").getAsDouble(), metrics.get("knn_top1").getAsDouble(), 1e-9);
        assertEquals(val.get(2).get("knn_top5").getAsDouble(), metrics.get("knn_top5").getAsDouble(), 1e-9);

        // Resumed to a second epoch: the untrained weights' record (the first record) is not
        // written again with the resumed weights.
        CliRun.out("train", config.toString(), "--work-dir", work.toString(), "--set", ROOT, "--set",
                "total_epochs=2", "--set", "progress=off", "--set", "data.train.data_source.max_data_num=256",
                "--set", "data.imgs_per_gpu=64", "--resume-from", work.resolve("epoch_1").toString());
        List<Integer> epochs = Files.readAllLines(work.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.get("mode").getAsString().equals("val")).map(o -> o.get("epoch").getAsInt()).toList();
        assertEquals(List.of(1, 1, 1, 2, 2), epochs);
    }
}
