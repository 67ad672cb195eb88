package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.runner.ExperimentLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's linear-probe config end to end: only the head trains, the BatchNorm statistics are checkpointed and
 * exported (predict on the exported images reproduces eval exactly), and the EMA weights export like a checkpoint.
 */
class LinearProbeRunTest {
    private static final Path CONFIG = Path.of("..", "configs", "demo", "fashion_mnist",
            "vit_tiny_p4_linprobe_from_mae.conf");
    private static final String ROOT = "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist") + "\"";

    @Test
    void aProbedClassifierTrainsOnlyItsHeadAndExportsItsBatchNormStatistics(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRun.out("train", CONFIG.toString(), "--work-dir", run.toString(), "--set", "total_epochs=2", "--set",
                "progress=off", "--set", ROOT, "--set", "model.pretrained=null", "--set", "lr_config.warmup_iters=1",
                "--set", "custom_hooks=[{type=EMAHook, decay=0.9, warmup_iters=0, evaluate=false}]");
        JsonObject groups = JsonParser.parseString(Files.readString(run.resolve("param_groups.json")))
                .getAsJsonObject();
        List<String> trainable = new ArrayList<>();
        for (JsonElement e : groups.getAsJsonArray("parameters")) {
            JsonObject p = e.getAsJsonObject();
            assertEquals(!p.get("trainable").getAsBoolean(), p.get("frozen").getAsBoolean());
            if (p.get("trainable").getAsBoolean()) {
                trainable.add(p.get("name").getAsString());
            }
        }
        assertEquals(List.of("head.1.weight", "head.1.bias"), trainable);

        Path ckpt = run.resolve("epoch_2");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = SafeTensors.read(ckpt.resolve("model.safetensors"), m);
            assertTrue(weights.get("head.0.running_mean").abs().sum().getFloat() > 0, "running mean was updated");
            assertEquals(List.of("mu.head.1.weight", "mu.head.1.bias"),
                    List.copyOf(SafeTensors.read(ckpt.resolve("optimizer.safetensors"), m).keySet()));
        }

        Path evalJson = dir.resolve("eval.json");
        CliRun.out("eval", CONFIG.toString(), ckpt.toString(), "--out", evalJson.toString(), "--set", ROOT, "--set",
                "model.pretrained=null");
        double top1 = JsonParser.parseString(Files.readString(evalJson)).getAsJsonObject()
                .getAsJsonObject("metrics").get("top1").getAsDouble();
        assertTrue(top1 > 10, "a probe of random features beats chance: " + top1);

        Path export = dir.resolve("export");
        CliRun.out("export", CONFIG.toString(), ckpt.toString(), export.toString(), "--set", ROOT, "--set",
                "model.pretrained=null", "--format", "torchscript");
        checkCounterAndScript(ckpt, export, dir);
        DemoTestImages.Predictions predictions = DemoTestImages.predict(export, dir);
        JsonArray results = predictions.results();
        List<Integer> labels = predictions.labels();
        JsonObject info = JsonParser.parseString(Files.readString(export.resolve("export.json"))).getAsJsonObject();
        JsonArray names = info.getAsJsonArray("class_names");
        int correct = 0;
        for (int i = 0; i < results.size(); i++) {
            String predicted = results.get(i).getAsJsonObject().getAsJsonArray("topk").get(0).getAsJsonObject()
                    .get("class").getAsString();
            correct += predicted.equals(names.get(labels.get(i)).getAsString()) ? 1 : 0;
        }
        assertEquals(top1, 100.0 * correct / results.size(), 1e-9, "predict with the export = eval of the checkpoint");

        // The averaged weights export in place of the checkpoint, BatchNorm statistics included.
        Path emaExport = dir.resolve("ema-export");
        CliRun.out("export", CONFIG.toString(), ckpt.resolve("ema.safetensors").toString(), emaExport.toString(),
                "--set", ROOT, "--set", "model.pretrained=null");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> ema = SafeTensors.read(ckpt.resolve("ema.safetensors"), m);
            Map<String, NDArray> exported = SafeTensors.read(emaExport.resolve("model.safetensors"), m);
            Map<String, NDArray> weights = SafeTensors.read(ckpt.resolve("model.safetensors"), m);
            for (String k : List.of("head.0.running_var", "head.1.weight")) {
                assertTrue(ema.get(k).contentEquals(exported.get(k)), k);
                assertFalse(ema.get(k).contentEquals(weights.get(k)), k + " is averaged");
            }
        }
    }

    /**
     * The export carries PyTorch's BatchNorm counter (the checkpoint's training iterations) for strict loading,
     * and its TorchScript module applies the trained running statistics: the Java model's logits within 1e-5.
     */
    private static void checkCounterAndScript(Path ckpt, Path export, Path dir) throws Exception {
        long iterations = JsonParser.parseString(Files.readString(ckpt.resolve("state.json"))).getAsJsonObject()
                .get("iter").getAsLong();
        assertTrue(iterations > 0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray counter = SafeTensors.read(export.resolve("model.safetensors"), m).get("head.0.num_batches_tracked");
            assertEquals(DataType.INT64, counter.getDataType());
            assertEquals(new Shape(), counter.getShape());
            assertEquals(iterations, counter.getLong());

            ExperimentLoader.Loaded loaded = new ExperimentLoader().load(CONFIG, List.of(ROOT,
                    "model.pretrained=null"), new Properties());
            TaskModel model = loaded.experiment().model().create(new BuildContext(dir, 0, 2, false));
            model.block().initialize(m, DataType.FLOAT32, model.inputShapes(2));
            WeightLoader.load(ckpt, model.namedParameters(), model.nameMapping(), LoadPolicy.STRICT, m);
            NDArray images = m.randomNormal(new Shape(3, 1, 28, 28));
            float[] java = model.forward(new ParameterStore(m, false), new Batch(new NDList(images), new NDList(), 3),
                    false).outputs().get(0).toFloatArray();
            try (Model script = Model.newInstance("export", Device.cpu(), "PyTorch")) {
                script.load(export, "model");
                try (Predictor<NDList, NDList> p = script.newPredictor(new NoopTranslator())) {
                    float[] logits = p.predict(new NDList(m.create(images.toFloatArray(), images.getShape())))
                            .singletonOrThrow().toFloatArray();
                    assertEquals(java.length, logits.length);
                    for (int i = 0; i < java.length; i++) {
                        assertEquals(java[i], logits[i], 1e-5, "logit " + i);
                    }
                }
            }
        }
    }
}
