package org.easycv4j.models.mae;

import static org.easycv4j.models.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import java.util.Arrays;
import java.util.Map;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.vit.SinCos;
import org.junit.jupiter.api.Test;

/** MAE against the independent PyTorch reference (src/test/python/make_golden.py). */
class MaeGoldenTest {

    static MaeSettings tinySettings(boolean normPix) {
        return MaeSettings.fromConfig(Fixtures.config("img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, "
                + "num_heads = 4, decoder_embed_dim = 24, decoder_depth = 2, decoder_num_heads = 3, norm_pix_loss = "
                + normPix));
    }

    @Test
    void sinCosEmbeddingMatchesReference() throws Exception {
        JsonArray rows = Fixtures.goldenJson().getAsJsonArray("sincos_16_4");
        float[] java = SinCos.embedding(16, 4, true);
        assertEquals(17 * 16, java.length);
        for (int r = 0; r < 17; r++) {
            for (int c = 0; c < 16; c++) {
                assertEquals(rows.get(r).getAsJsonArray().get(c).getAsDouble(), java[r * 16 + c], 1e-6,
                        "row " + r + " col " + c);
            }
        }
    }

    @Test
    void lossPredictionMaskAndGradientsMatchReference() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaeModel model = new MaeModel(tinySettings(true));
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(2));
            Map<String, NDArray> g = Fixtures.golden("mae_tiny.safetensors", manager);
            Fixtures.loadParams(model, g);
            ParameterStore ps = new ParameterStore(manager, false);
            try (NDManager step = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray images = g.get("in.images").duplicate();
                images.attach(step);
                NDArray noise = g.get("in.noise").duplicate();
                noise.attach(step);
                StepOutput out = model.forward(ps, new Batch(new NDList(images, noise), new NDList(), 2), true);
                gc.backward(out.loss());
                assertClose(g.get("out.loss"), out.loss().reshape(1), 1e-5, 0, "loss");
                assertClose(g.get("out.pred"), out.outputs().get(0), 1e-5, 1e-6, "pred");
                assertClose(g.get("out.mask"), out.outputs().get(1), 0, 0, "mask");
                assertClose(g.get("out.target"), MaeDecoder.patchify(images, 8), 0, 0, "patchify");
                int grads = 0;
                for (NamedParameter p : model.namedParameters()) {
                    NDArray expected = g.get("grad." + p.name());
                    if (!p.parameter().requiresGradient()) {
                        assertTrue(expected == null, p.name() + " is fixed in the reference too");
                        continue;
                    }
                    try (NDArray grad = p.parameter().getArray().getGradient()) {
                        assertClose(expected, grad, 1e-4, 1e-7, "grad " + p.name());
                    }
                    grads++;
                }
                assertEquals(g.keySet().stream().filter(k -> k.startsWith("grad.")).count(), grads);
            }
        }
    }

    @Test
    void lossWithoutNormPixMatchesReference() throws Exception {
        double expected = Fixtures.goldenJson().get("mae_tiny_loss_no_norm_pix").getAsDouble();
        try (NDManager manager = NDManager.newBaseManager()) {
            MaeModel model = new MaeModel(tinySettings(false));
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(2));
            Map<String, NDArray> g = Fixtures.golden("mae_tiny.safetensors", manager);
            Fixtures.loadParams(model, g);
            StepOutput out = model.forward(new ParameterStore(manager, false),
                    new Batch(new NDList(g.get("in.images"), g.get("in.noise")), new NDList(), 2), false);
            assertEquals(expected, out.loss().getFloat(), 1e-5 * expected);
        }
    }

    @Test
    void unpatchifyInvertsPatchifyAndExplicitNoiseFixesTheMask() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray back = MaeDecoder.unpatchify(MaeDecoder.patchify(images, 8), 8, 3);
            assertClose(images, back, 0, 0, "unpatchify(patchify(x))");

            MaeModel model = new MaeModel(tinySettings(true));
            model.block().initialize(m, DataType.FLOAT32, model.inputShapes(2));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray noise = m.randomUniform(0f, 1f, new Shape(2, 16));
            NDArray mask1 = model.forward(ps, new Batch(new NDList(images, noise), new NDList(), 2), false).outputs()
                    .get(1);
            NDArray mask2 = model.forward(ps, new Batch(new NDList(images, noise), new NDList(), 2), false).outputs()
                    .get(1);
            assertClose(mask1, mask2, 0, 0, "same noise, same mask");
            NDArray drawn = model.forward(ps, new Batch(new NDList(images), new NDList(), 2), false).outputs().get(1);
            assertArrayEquals(new float[] {12, 12}, drawn.sum(new int[] {1}).toFloatArray()); // 16 - int(16 * 0.25)
        }
    }

    @Test
    void vitBaseMaskingKeeps49Of196PerSampleConsistently() {
        // The masking logic alone on ViT-B/16's grid: 196 patches, mask ratio 0.75.
        MaeSettings s = MaeSettings.fromConfig(Fixtures.config("arch = base"));
        assertEquals(196, s.encoder().numPatches());
        assertEquals(49, s.keptPatches());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray noise = m.randomUniform(0f, 1f, new Shape(4, 196));
            NDArray idsShuffle = noise.argSort(1);
            NDArray idsRestore = idsShuffle.argSort(1);
            NDArray mask = idsRestore.gte(49).toType(DataType.FLOAT32, false);
            assertArrayEquals(new float[] {147, 147, 147, 147}, mask.sum(new int[] {1}).toFloatArray());
            // Restoring the shuffled order gives back 0..195, and the kept ids are the 49 smallest noises.
            long[] restored = idsShuffle.gather(idsRestore, 1).toLongArray();
            float[] n = noise.toFloatArray();
            float[] mk = mask.toFloatArray();
            for (int b = 0; b < 4; b++) {
                for (int i = 0; i < 196; i++) {
                    assertEquals(i, restored[b * 196 + i]);
                }
                float[] row = Arrays.copyOfRange(n, b * 196, b * 196 + 196);
                float[] sorted = row.clone();
                Arrays.sort(sorted);
                for (int i = 0; i < 196; i++) {
                    assertEquals(row[i] < sorted[49] ? 0f : 1f, mk[b * 196 + i], "sample " + b + " patch " + i);
                }
            }
            assertFalse(mask.isNaN().any().getBoolean());
        }
    }
}
