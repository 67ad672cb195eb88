package org.easycv4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.easycv4j.models.vit.VitSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fused_attn = true} (PyTorch's scaled_dot_product_attention through TorchScript) against the explicit
 * products and softmax: the same loss and the same gradient for every parameter, within 1e-5 in float32.
 */
class FusedAttentionTest {
    private static final float[] PIXELS = TrainingHarness.sinusoids(4, 3, 32, 11);

    private record Pass(float loss, List<float[]> grads, List<String> names) {}

    private static TaskModel model(String kind, String fused) {
        String common = "img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4" + fused;
        return kind.equals("mae")
                ? new MaeModel(MaeSettings.fromConfig(Fixtures.config(common
                        + ", decoder_embed_dim = 32, decoder_depth = 1, decoder_num_heads = 4")))
                : new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(common
                        + ", num_classes = 4, drop_path_rate = 0")));
    }

    private static Pass pass(String kind, String fused) {
        TaskModel model = model(kind, fused);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(21);
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(4));
            List<NamedParameter> params = model.namedParameters().stream()
                    .filter(p -> p.parameter().requiresGradient()).toList();
            float loss;
            try (NDManager step = manager.newSubManager()) {
                Engine.getInstance().setRandomSeed(22); // MAE's masks
                Batch batch = TrainingHarness.images(step, PIXELS, new Shape(4, 3, 32, 32),
                        step.create(new long[] {0, 1, 2, 3}));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = model.forward(new ParameterStore(manager, false), batch, true).loss();
                    System.gc(); // Nothing backward reads may be a collectable Java buffer.
                    gc.backward(l);
                    loss = l.getFloat();
                }
            }
            return new Pass(loss, params.stream().map(p -> p.parameter().getArray().getGradient().toFloatArray())
                    .toList(), params.stream().map(NamedParameter::name).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mae", "classifier"})
    void fusedAttentionGivesTheExplicitLossAndGradients(String kind) {
        Pass explicit = pass(kind, ", fused_attn = false");
        Pass fused = pass(kind, ", fused_attn = true");
        assertEquals(explicit.names(), fused.names());
        assertEquals(explicit.loss(), fused.loss(), 1e-5, "loss");
        int attnGrads = 0;
        boolean differs = false;
        for (int i = 0; i < explicit.grads().size(); i++) {
            float[] a = explicit.grads().get(i);
            float[] b = fused.grads().get(i);
            float maxAbs = 0;
            float maxDiff = 0;
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-5, explicit.names().get(i) + "[" + j + "]");
                maxAbs = Math.max(maxAbs, Math.abs(a[j]));
                maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]));
                differs |= a[j] != b[j];
            }
            if (explicit.names().get(i).endsWith("attn.qkv.weight")) {
                // The classifier's freshly initialized head makes small gradients: relative agreement too.
                assertTrue(maxAbs > 0 && maxDiff <= 1e-3 * maxAbs, explicit.names().get(i) + ": max |grad| "
                        + maxAbs + ", max difference " + maxDiff);
                attnGrads++;
            }
        }
        assertEquals(kind.equals("mae") ? 3 : 2, attnGrads, "every attention layer was compared");
        // Two different computations (different summation orders), not one path run twice.
        assertTrue(differs, "fused and explicit gradients are bit-identical: fused_attn changed nothing");
        // auto (the default) fuses on GPUs only: on this CPU it is the explicit computation, bit for bit.
        Pass auto = pass(kind, "");
        assertEquals(explicit.loss(), auto.loss(), 0f);
        for (int i = 0; i < explicit.grads().size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(explicit.grads().get(i), auto.grads().get(i), 0f);
        }
    }

    @org.junit.jupiter.api.Test
    void fusedAttnTakesTrueFalseOrAuto() {
        assertEquals(VitSettings.FusedAttn.AUTO, settings("").fusedAttn());
        assertEquals(VitSettings.FusedAttn.ON, settings("fused_attn = true").fusedAttn());
        assertEquals(VitSettings.FusedAttn.OFF, settings("fused_attn = false").fusedAttn());
        assertEquals(VitSettings.FusedAttn.AUTO, settings("fused_attn = auto").fusedAttn());
        assertTrue(VitSettings.FusedAttn.AUTO.fuses(ai.djl.Device.gpu()));
        assertTrue(!VitSettings.FusedAttn.AUTO.fuses(ai.djl.Device.cpu()));
        assertTrue(VitSettings.FusedAttn.ON.fuses(ai.djl.Device.cpu()));
        org.easycv4j.core.config.ConfigNode n = Fixtures.config("fused_attn = sometimes");
        VitSettings.fromConfig(n, 0.0);
        String problems = n.problems().list().toString();
        assertTrue(problems.contains("fused_attn") && problems.contains("auto, true, false"), problems);
    }

    private static VitSettings settings(String hocon) {
        org.easycv4j.core.config.ConfigNode n = Fixtures.config(hocon);
        VitSettings s = VitSettings.fromConfig(n, 0.0);
        n.problems().throwIfAny();
        return s;
    }
}
