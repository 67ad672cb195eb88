package org.easycv4j.tools.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tools/export CONFIG CKPT OUT --format torchscript} on the demo's models: model.pt, loaded back through
 * DJL, gives the Java model's logits (classifier) and encoder features (MAE) within 1e-5.
 */
class TorchScriptExportCliTest {
    private static final Path DEMO = Path.of("..", "configs", "demo", "fashion_mnist");
    private static final List<String> SETS = List.of("vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist")
            + "\"");

    @TempDir
    Path dir;

    /** A model of {@code config} with its initial weights saved as a checkpoint file. */
    private TaskModel modelWithCheckpoint(Path config, Path file, NDManager m) throws Exception {
        ExperimentLoader.Loaded loaded = new ExperimentLoader().load(config, SETS, new java.util.Properties());
        TaskModel model = loaded.experiment().model().create(new BuildContext(dir, 0, 2, false));
        model.block().initialize(m, DataType.FLOAT32, model.inputShapes(2));
        SafeTensors.write(file, Checkpoints.modelTensors(model.namedParameters()));
        return model;
    }

    private JsonObject export(Path config, Path ckpt, Path out) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("export", config.toString(), ckpt.toString(),
                out.toString(), "--format", "torchscript"));
        SETS.forEach(s -> {
            args.add("--set");
            args.add(s);
        });
        assertEquals(0, Main.run(args.toArray(String[]::new)));
        assertTrue(Files.isRegularFile(out.resolve(Exporter.TORCHSCRIPT)));
        return JsonParser.parseString(Files.readString(out.resolve(Exporter.INFO))).getAsJsonObject();
    }

    private static float[] runScript(Path export, float[] input, Shape shape) throws Exception {
        try (Model model = Model.newInstance("export", Device.cpu(), "PyTorch")) {
            model.load(export, "model");
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
                NDManager m = model.getNDManager();
                return p.predict(new NDList(m.create(input, shape))).singletonOrThrow().toFloatArray();
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }

    @Test
    void classifierScriptGivesTheJavaLogits() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path config = DEMO.resolve("vit_tiny_p4_finetune_from_scratch.conf");
            Path ckpt = dir.resolve("cls.safetensors");
            TaskModel model = modelWithCheckpoint(config, ckpt, m);
            JsonObject info = export(config, ckpt, dir.resolve("cls"));
            assertTrue(info.getAsJsonObject("torchscript").get("forward").getAsString().contains("logits"));
            NDArray images = m.randomNormal(new Shape(3, 1, 28, 28));
            float[] java = model.forward(new ParameterStore(m, false), new Batch(new NDList(images), new NDList(), 3),
                    false).outputs().get(0).toFloatArray();
            float[] script = runScript(dir.resolve("cls"), images.toFloatArray(), images.getShape());
            assertEquals(30, script.length);
            assertClose(java, script, 1e-5, "logits");
        }
    }

    @Test
    void maeScriptIsTheEncoder() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path config = DEMO.resolve("mae_vit_tiny_p4_pretrain.conf");
            Path ckpt = dir.resolve("mae.safetensors");
            MaeModel mae = (MaeModel) modelWithCheckpoint(config, ckpt, m);
            JsonObject info = export(config, ckpt, dir.resolve("mae"));
            assertEquals("backbone", info.get("task").getAsString());
            NDArray images = m.randomNormal(new Shape(2, 1, 28, 28));
            float[] script = runScript(dir.resolve("mae"), images.toFloatArray(), images.getShape());
            // The values are checked against the Java encoder in the models module (TorchScriptExportTest).
            int patches = mae.network().vitSettings().numPatches();
            int dim = mae.network().vitSettings().embedDim();
            assertEquals(2 * (1 + patches) * dim, script.length);
            for (float v : script) {
                assertTrue(Float.isFinite(v));
            }
        }
    }
}
