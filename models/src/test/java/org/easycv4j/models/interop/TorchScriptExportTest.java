package org.easycv4j.models.interop;

import static org.easycv4j.models.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.engine.TorchScriptArchive;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TorchScript module written from a model (generated source, weights copied in) loads through DJL's
 * PyTorch engine and computes what the Java model computes (1e-5) and what PyTorch's model computes (1e-4, the
 * references of make_interop.py and make_easycv.py).
 */
class TorchScriptExportTest {
    private static final String VIT = "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4";

    @TempDir
    Path dir;

    /** Runs {@code file} through DJL on {@code input}. */
    private static NDArray runScript(Path file, NDArray input, NDManager m) throws Exception {
        try (Model model = Model.newInstance("script", Device.cpu(), "PyTorch")) {
            model.load(file.getParent(), file.getFileName().toString().replace(".pt", ""));
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
                // An unnamed array: DJL passes named inputs as a dict.
                NDArray out = p.predict(new NDList(m.create(input.toFloatArray(), input.getShape())))
                        .singletonOrThrow();
                NDArray copy = m.create(out.toFloatArray(), out.getShape());
                return copy;
            }
        }
    }

    private static NDArray javaLogits(ViTClassifier cls, NDArray images, NDManager m) {
        return cls.forward(new ParameterStore(m, false), new Batch(new NDList(images), new NDList(),
                (int) images.getShape().get(0)), false).outputs().get(0);
    }

    @Test
    void classifiersGiveTheJavaLogits() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> exp = SafeTensors.read(ImportTest.resource("expected.safetensors"), m);
            NDArray images = exp.get("cls.images");
            for (boolean globalPool : new boolean[] {true, false}) {
                ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(VIT
                        + ", num_classes = 5, use_global_pool = " + globalPool)));
                cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(3));
                if (globalPool) {
                    cls.loadPretrained(ImportTest.resource("vit_tiny_cls.pth"), m);
                } else {
                    // The MAE encoder with its norm, and a random head.
                    cls.loadPretrained(ImportTest.resource("mae_tiny_full.pth"), m);
                }
                Path file = dir.resolve("cls_" + globalPool + ".pt");
                TorchScriptArchive.write(file, cls.scriptModule().orElseThrow());
                NDArray java = javaLogits(cls, images, m);
                NDArray script = runScript(file, images, m);
                assertEquals(new Shape(3, 5), script.getShape());
                assertClose(java, script, 0, 1e-5, "logits, global pool " + globalPool);
                if (globalPool) {
                    assertClose(exp.get("cls.logits"), script, 0, 1e-4, "PyTorch's logits");
                }
            }
        }
    }

    /**
     * A linear probe (BatchNorm head) whose running statistics moved away from 0 / 1 in training-mode forwards:
     * the module applies the BatchNorm with them as the Java model evaluates, for both poolings.
     */
    @Test
    void linearProbesApplyTheirRunningStatistics() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> exp = SafeTensors.read(ImportTest.resource("expected.safetensors"), m);
            NDArray images = exp.get("cls.images");
            for (boolean globalPool : new boolean[] {true, false}) {
                ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(VIT
                        + ", num_classes = 5, head_bn = true, head_init_std = 0.5, use_global_pool = " + globalPool)));
                cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(3));
                cls.loadPretrained(ImportTest.resource("mae_tiny_full.pth"), m);
                for (int i = 0; i < 3; i++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray batch = step.randomNormal(new Shape(4, 3, 32, 32)).mul(2).add(0.5f);
                        cls.forward(new ParameterStore(step, false), new Batch(new NDList(batch), new NDList(), 4),
                                true);
                    }
                }
                Map<String, float[]> stats = new LinkedHashMap<>();
                cls.namedParameters().forEach(p -> stats.put(p.name(), p.parameter().getArray().toFloatArray()));
                float[] mean = stats.get("head.0.running_mean");
                float[] var = stats.get("head.0.running_var");
                double meanOff = 0;
                double varOff = 0;
                for (int i = 0; i < mean.length; i++) {
                    meanOff = Math.max(meanOff, Math.abs(mean[i]));
                    varOff = Math.max(varOff, Math.abs(var[i] - 1));
                }
                assertTrue(meanOff > 0.05 && varOff > 0.05, "running statistics moved: " + meanOff + ", " + varOff);

                Path file = dir.resolve("probe_" + globalPool + ".pt");
                TorchScriptArchive.write(file, cls.scriptModule().orElseThrow());
                NDArray java = javaLogits(cls, images, m);
                NDArray script = runScript(file, images, m);
                assertEquals(new Shape(3, 5), script.getShape());
                assertTrue(java.abs().max().getFloat() > 0.1f, "logits large enough for 1e-5 to mean something");
                assertClose(java, script, 0, 1e-5, "probe logits, global pool " + globalPool);
                // The script read the running statistics, not the initial ones: with those the logits differ.
                cls.namedParameters().stream().filter(p -> p.name().startsWith("head.0.")).forEach(p ->
                        p.parameter().getArray().set(m.create(p.name().endsWith("mean") ? 0f : 1f)
                                .broadcast(p.parameter().getArray().getShape()).toFloatArray()));
                NDArray initial = javaLogits(cls, images, m);
                assertTrue(initial.sub(script).abs().max().getFloat() > 1e-3f, "running statistics matter");
            }
        }
    }

    /**
     * EasyCV's layer scale and hydra attention (in the last of two blocks) are in the module as in the Java
     * forward, for both poolings and both heads; weights drawn large (std 0.3, gammas 0.6) so that every branch
     * moves the logits.
     */
    @Test
    void layerScaleAndHydraAttentionAreExported() throws Exception {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
            for (String head : new String[] {"use_global_pool = true", "use_global_pool = false, head_bn = true"}) {
                ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(VIT
                        + ", num_classes = 5, use_layer_scale = true, init_scale = 0.6, hydra_attention = true, "
                        + "hydra_attention_layers = 1, " + head)));
                cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(3));
                for (NamedParameter p : cls.namedParameters()) {
                    NDArray a = p.parameter().getArray();
                    if (p.name().endsWith("running_var")) {
                        a.set(m.randomUniform(0.5f, 2f, a.getShape()).toFloatArray());
                    } else if (!p.name().contains("gamma_")) {
                        a.set(m.randomNormal(0f, 0.3f, a.getShape(), DataType.FLOAT32).toFloatArray());
                    }
                }
                List<String> names = cls.namedParameters().stream().map(NamedParameter::name).toList();
                assertTrue(names.containsAll(List.of("blocks.0.gamma_1", "blocks.1.gamma_2")), names.toString());
                Path file = dir.resolve("options.pt");
                TorchScriptArchive.write(file, cls.scriptModule().orElseThrow());
                assertTrue(cls.scriptModule().orElseThrow().source().contains("torch.sqrt(torch.sum("),
                        "the hydra layer's normalization is in the module");
                NDArray java = javaLogits(cls, images, m);
                NDArray script = runScript(file, images, m);
                assertTrue(java.abs().max().getFloat() > 0.2f, "logits large enough for 1e-5 to mean something: " + java);
                assertClose(java, script, 1e-5, 1e-5, "logits with layer scale and hydra attention, " + head);
            }
        }
    }

    @Test
    void parametersTheScriptWouldNotUseAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(VIT
                    + ", num_classes = 5")));
            cls.block().initialize(m, DataType.FLOAT32, cls.inputShapes(1));
            List<NamedParameter> params = new ArrayList<>(cls.namedParameters());
            params.add(new NamedParameter("head_bn.weight", params.get(0).parameter()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cls.network().scriptModule("X", params));
            assertTrue(e.getMessage().contains("[head_bn.weight]"), e.getMessage());
        }
    }

    @Test
    void maeEncoderIsAFeatureExtractor() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MaeModel mae = new MaeModel(MaeSettings.fromConfig(Fixtures.config(VIT
                    + ", decoder_embed_dim = 16, decoder_depth = 1, decoder_num_heads = 2")));
            mae.block().initialize(m, DataType.FLOAT32, mae.inputShapes(1));
            mae.loadPretrained(ImportTest.resource("easycv_mae.pth"), m);
            Path file = dir.resolve("encoder.pt");
            TorchScriptArchive.write(file, mae.scriptModule().orElseThrow());
            Map<String, NDArray> exp = SafeTensors.read(ImportTest.resource("easycv_expected.safetensors"), m);
            NDArray images = exp.get("encoder.images");
            NDArray tokens = runScript(file, images, m);
            assertEquals(new Shape(2, 17, 32), tokens.getShape());
            assertClose(exp.get("encoder.tokens"), tokens, 0, 1e-4, "PyTorch's encoder features");

            // Reference: a cls-token classifier with the same encoder and an identity head outputs the cls feature.
            ViTClassifier probe = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(VIT
                    + ", num_classes = 32, use_global_pool = false")));
            probe.block().initialize(m, DataType.FLOAT32, probe.inputShapes(2));
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (NamedParameter p : mae.export().parameters()) {
                weights.put(p.name(), p.parameter().getArray());
            }
            weights.put("head.weight", m.eye(32));
            weights.put("head.bias", m.zeros(new Shape(32)));
            WeightLoader.load("encoder + identity head", NameMapping.IDENTITY.apply("", weights),
                    probe.namedParameters(), LoadPolicy.STRICT);
            assertClose(javaLogits(probe, images, m), tokens.get(":, 0, :"), 0, 1e-5, "cls token features");
        }
    }
}
