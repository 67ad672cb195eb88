package org.easycv4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.SplittableRandom;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;
import org.junit.jupiter.api.Test;

/** Central finite differences in float64 against the analytic gradients of the tiny models. */
class GradientCheckTest {

    private static final double H = 1e-6;

    @Test
    void maeGradientsMatchFiniteDifferences() {
        MaeModel mae = new MaeModel(MaeSettings.fromConfig(Fixtures.config("img_size = 16, patch_size = 4, "
                + "embed_dim = 16, depth = 1, num_heads = 2, decoder_embed_dim = 8, decoder_depth = 1, "
                + "decoder_num_heads = 2, mask_ratio = 0.5")));
        check(mae, 2, false);
    }

    @Test
    void classifierGradientsMatchFiniteDifferences() {
        ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 16, "
                + "patch_size = 4, embed_dim = 16, depth = 1, num_heads = 2, num_classes = 3, drop_path_rate = 0, "
                + "label_smoothing = 0.1")));
        check(cls, 2, true);
    }

    /** EasyCV's layer scale (gammas 0.5, so the branches count) and hydra attention in the second block. */
    @Test
    void layerScaleAndHydraGradientsMatchFiniteDifferences() {
        ViTClassifier cls = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 16, "
                + "patch_size = 4, embed_dim = 16, depth = 2, num_heads = 2, num_classes = 3, drop_path_rate = 0, "
                + "use_layer_scale = true, init_scale = 0.5, hydra_attention = true, hydra_attention_layers = 1")));
        check(cls, 2, true);
    }

    private static void check(TaskModel model, int n, boolean labelled) {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.block().initialize(manager, DataType.FLOAT64, model.inputShapes(n));
            Shape in = model.inputShapes(n)[0];
            NDArray images = manager.randomNormal(0f, 1f, in, DataType.FLOAT64);
            SplittableRandom r = new SplittableRandom(3);
            long patches = in.get(2) / 4 * (in.get(3) / 4);
            float[] noise = new float[(int) (n * patches)];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) r.nextDouble();
            }
            NDArray noiseArray = manager.create(noise, new Shape(n, patches));
            NDArray labels = manager.create(new long[] {2, 0});
            Batch batch = labelled ? new Batch(new NDList(images), new NDList(labels), n)
                    : new Batch(new NDList(images, noiseArray), new NDList(), n);
            ParameterStore ps = new ParameterStore(manager, false);
            List<NamedParameter> params = model.namedParameters().stream()
                    .filter(p -> p.parameter().requiresGradient()).toList();
            try (NDManager step = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(model.forward(ps, batch, true).loss());
            }
            int checked = 0;
            for (NamedParameter p : params) {
                NDArray w = p.parameter().getArray();
                double[] grad;
                try (NDArray g = w.getGradient()) {
                    grad = g.toDoubleArray();
                }
                // Three entries per parameter: first, last and one in the middle.
                long size = w.size();
                for (long flat : new long[] {0, size / 2, size - 1}) {
                    NDIndex idx = index(w.getShape(), flat);
                    double orig = w.get(idx).getDouble();
                    w.set(idx, orig + H);
                    double up = loss(model, ps, batch, manager);
                    w.set(idx, orig - H);
                    double down = loss(model, ps, batch, manager);
                    w.set(idx, orig);
                    double numeric = (up - down) / (2 * H);
                    double analytic = grad[(int) flat];
                    assertEquals(numeric, analytic, 1e-6 + 1e-4 * Math.abs(numeric), p.name() + "[" + flat + "]");
                    checked++;
                }
            }
            assertTrue(checked >= 30, "checked " + checked);
        }
    }

    private static double loss(TaskModel model, ParameterStore ps, Batch batch, NDManager manager) {
        try (NDManager step = manager.newSubManager()) {
            return model.forward(ps, batch, false).loss().getDouble();
        }
    }

    private static NDIndex index(Shape shape, long flat) {
        long[] idx = new long[shape.dimension()];
        for (int d = shape.dimension() - 1; d >= 0; d--) {
            idx[d] = flat % shape.get(d);
            flat /= shape.get(d);
        }
        return new NDIndex(idx);
    }
}
