package org.easycv4j.models.cls;

import static org.easycv4j.models.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.models.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ViTClassifier logits, losses and gradients against the PyTorch reference. */
class ViTClassifierGoldenTest {

    static ViTClassifier tiny(boolean globalPool, double smoothing) {
        return new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 32, patch_size = 8, "
                + "embed_dim = 32, depth = 2, num_heads = 4, num_classes = 5, drop_path_rate = 0, use_global_pool = "
                + globalPool + ", label_smoothing = " + smoothing)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void logitsLossesAndGradientsMatchReference(boolean globalPool) throws Exception {
        String file = "cls_tiny_" + (globalPool ? "gap" : "cls") + ".safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            ViTClassifier model = tiny(globalPool, 0.0);
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(3));
            Map<String, NDArray> g = Fixtures.golden(file, manager);
            Fixtures.loadParams(model, g);
            assertEquals(globalPool, model.namedParameters().stream().anyMatch(p -> p.name().equals("fc_norm.weight")));
            assertEquals(!globalPool, model.namedParameters().stream().anyMatch(p -> p.name().equals("norm.weight")));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray images = g.get("in.images");

            StepOutput hard = model.forward(ps, new Batch(new NDList(images), new NDList(g.get("in.hard")), 3), false);
            assertClose(g.get("out.logits"), hard.outputs().get(0), 1e-5, 1e-6, "logits");
            assertClose(g.get("out.ce"), hard.loss().reshape(1), 1e-5, 0, "cross-entropy");

            ViTClassifier smooth = tiny(globalPool, 0.1);
            smooth.block().initialize(manager, DataType.FLOAT32, smooth.inputShapes(3));
            Fixtures.loadParams(smooth, g);
            StepOutput s = smooth.forward(ps, new Batch(new NDList(images), new NDList(g.get("in.hard")), 3), false);
            assertClose(g.get("out.ce_smooth"), s.loss().reshape(1), 1e-5, 0, "label-smoothed cross-entropy");

            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                StepOutput soft = model.forward(ps, new Batch(new NDList(images), new NDList(g.get("in.soft")), 3), true);
                gc.backward(soft.loss());
                assertClose(g.get("out.ce_soft"), soft.loss().reshape(1), 1e-5, 0, "soft-target cross-entropy");
            }
            int checked = 0;
            for (NamedParameter p : model.namedParameters()) {
                NDArray expected = g.get("grad." + p.name());
                if (expected != null) {
                    try (NDArray grad = p.parameter().getArray().getGradient()) {
                        assertClose(expected, grad, 1e-4, 1e-9, "grad " + p.name());
                    }
                    checked++;
                }
            }
            assertTrue(checked == 3, "checked " + checked + " gradients");
        }
    }
}
