package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.tensorboard.proto.Event;
import org.easycv4j.core.tensorboard.proto.Summary;
import org.easycv4j.core.testing.EventFiles;
import org.easycv4j.models.mae.MaeFigure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MAE pretraining, then fine-tuning from its encoder, through the launchers on the embedded images. */
class MaeWorkflowTest {
    private static final Path DEMO = Path.of("..", "configs", "demo", "fashion_mnist");
    private static final String ROOT = "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist") + "\"";

    @Test
    void fineTuningStartsFromThePretrainedEncoderAndTheDecoderIsLeftBehind(@TempDir Path dir) throws Exception {
        Path mae = dir.resolve("mae");
        assertEquals(0, Main.run("train", DEMO.resolve("mae_vit_tiny_p4_pretrain.conf").toString(), "--work-dir",
                mae.toString(), "--set", ROOT, "--set", "total_epochs=1", "--set", "progress=off",
                "--set", "data.train.data_source.max_data_num=256", "--set", "data.imgs_per_gpu=64"));
        Path ckpt = mae.resolve("epoch_1");
        List<JsonObject> records = Files.readAllLines(mae.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        JsonObject first = records.stream().filter(r -> r.get("mode").getAsString().equals("train")).findFirst()
                .orElseThrow();
        assertTrue(Double.isFinite(first.get("loss").getAsDouble()), first.toString());
        // The demo's kNN monitor: before training and after the last epoch.
        assertEquals(2, records.stream().filter(r -> r.has("knn_top1")).count(), records.toString());
        // The default runtime's TensorBoard logger: the kNN scores and the reconstruction figure of 4 images.
        List<Path> events = EventFiles.list(mae.resolve("tf_logs"));
        assertEquals(1, events.size(), events.toString());
        List<String> tags = new java.util.ArrayList<>();
        for (Event e : EventFiles.read(events.get(0))) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                tags.add(v.getTag());
                if (v.getValueCase() == Summary.Value.ValueCase.IMAGE) {
                    assertEquals("reconstruction", v.getTag());
                    assertEquals(List.of(MaeFigure.size(28, 4)[0], MaeFigure.size(28, 4)[1], 4L),
                            List.of(v.getImage().getWidth(), v.getImage().getHeight(), e.getStep()),
                            "4 rows of 28-pixel images, at the end of epoch 1 (256 / 64 = 4 iterations)");
                }
            }
        }
        assertEquals(1, tags.stream().filter("reconstruction"::equals).count(), tags.toString());
        assertEquals(2, tags.stream().filter("val/knn_top1"::equals).count(), tags.toString());
        assertTrue(tags.contains("train/loss") && tags.contains("learning_rate"), tags.toString());

        Path config = DEMO.resolve("vit_tiny_p4_finetune_from_mae.conf");
        List<String> sets = List.of(ROOT, "model.pretrained=\"" + ckpt + "\"", "work_dir=\"" + dir.resolve("ft") + "\"",
                "data.train.data_source.max_data_num=128", "data.val.data_source.max_data_num=200",
                "total_epochs=1", "progress=off");
        ExperimentLoader.Loaded loaded = new ExperimentLoader().load(config, sets, new Properties());
        TaskModel classifier = loaded.experiment().model().create(new BuildContext(dir, 0, 64, false));
        try (NDManager m = NDManager.newBaseManager()) {
            classifier.block().initialize(m, DataType.FLOAT32, classifier.inputShapes(1));
            classifier.afterInitialize(m);
            Map<String, NDArray> pretrained = SafeTensors.read(ckpt.resolve(Checkpoints.MODEL), m);
            int compared = 0;
            for (NamedParameter p : classifier.namedParameters()) {
                NDArray src = pretrained.get(p.name());
                if (p.name().startsWith("head") || p.name().startsWith("fc_norm")) {
                    continue;
                }
                assertTrue(src != null, p.name() + " comes from the MAE checkpoint");
                assertTrue(src.contentEquals(p.parameter().getArray()), p.name() + " equals the pretrained value");
                compared++;
            }
            assertTrue(compared > 30, "the whole encoder: " + compared);
            assertFalse(classifier.namedParameters().stream().anyMatch(p -> p.name().startsWith("decoder")));
        }

        String[] args = {"train", config.toString(), "--work-dir", dir.resolve("ft").toString(), "--set", ROOT,
                "--set", sets.get(1), "--set", sets.get(3), "--set", sets.get(4), "--set", "total_epochs=1",
                "--set", "progress=off"};
        assertEquals(0, Main.run(args));
        List<String> ft = Files.readAllLines(dir.resolve("ft").resolve("metrics.jsonl"));
        JsonObject val = JsonParser.parseString(ft.get(ft.size() - 1)).getAsJsonObject();
        assertEquals("val", val.get("mode").getAsString());
        assertTrue(val.has("top1") && val.has("top5"), val.toString());
        JsonObject groups = JsonParser.parseString(Files.readString(dir.resolve("ft").resolve("param_groups.json")))
                .getAsJsonObject();
        assertTrue(groups.toString().contains("\"layer_id\""), "layer-wise decay groups are written");

        Path export = dir.resolve("mae_export");
        assertEquals(0, Main.run("export", DEMO.resolve("mae_vit_tiny_p4_pretrain.conf").toString(), ckpt.toString(),
                export.toString(), "--set", ROOT));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> backbone = SafeTensors.read(export.resolve("model.safetensors"), m);
            assertTrue(backbone.containsKey("blocks.0.attn.qkv.weight"));
            assertFalse(backbone.keySet().stream().anyMatch(k -> k.startsWith("decoder") || k.equals("mask_token")),
                    backbone.keySet().toString());
        }
    }
}
