package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.core.registry.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


class AdamWTest {
    /** A few float32 ulps at magnitude 2: the native path evaluates the same formula in another order. */
    private static final float TOL = 2e-6f;

    /**
     * Two steps against torch.optim.AdamW with two groups (w: wd 0.05, lr 0.1; b: wd 0, lr 0.05), betas (0.9,
     * 0.999), eps 1e-8; expected values printed by PyTorch 1.13 and checked by hand for step 1:
     * w0 = 1·(1 − 0.1·0.05) − 0.1·sign(g) = 0.895.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void twoStepsMatchPyTorchWithPerParameterLrAndDecay(boolean nativeUpdate) {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter w = Grads.param(m, "blocks.0.attn.qkv.weight", new float[] {1, -2, 3}, new Shape(3));
            NamedParameter b = Grads.param(m, "head.bias", new float[] {0.5f, -0.5f}, new Shape(2));
            ConfigNode n = ConfigNode.root(ConfigFactory.parseString("lr = 0.1, betas = [0.9, 0.999], "
                    + "weight_decay = 0.05, paramwise_options = [{pattern = \"bias\", weight_decay = 0, lr_mult = 0.5}]"));
            AdamWSettings s = AdamWSettings.fromConfig(n);
            n.finish();
            assertEquals(List.of(), n.problems().list());
            AdamW opt = new AdamW(s);
            opt.useNativeUpdate(nativeUpdate);
            opt.init(List.of(w, b), m);
            Grads.setGradients(m, List.of(w, b), new float[] {0.1f, 0.2f, -0.3f}, new float[] {1f, -2f});
            opt.step();
            assertArrayEquals(new float[] {0.894999981f, -2.08999991f, 3.08500004f},
                    w.parameter().getArray().toFloatArray(), TOL);
            assertArrayEquals(new float[] {0.450000018f, -0.450000018f}, b.parameter().getArray().toFloatArray(), TOL);
            Grads.setGradients(m, List.of(w, b), new float[] {-0.4f, 0.05f, 0.3f}, new float[] {0.25f, 0.5f});
            opt.step();
            assertArrayEquals(new float[] {0.946475327f, -2.16260982f, 3.06431198f},
                    w.parameter().getArray().toFloatArray(), TOL);
            assertArrayEquals(new float[] {0.408470154f, -0.426526606f}, b.parameter().getArray().toFloatArray(),
                    TOL);
            assertEquals(2, opt.steps());
            assertEquals(nativeUpdate, opt.zeroesGradients());
            if (nativeUpdate) {
                assertArrayEquals(new float[3], w.parameter().getArray().getGradient().toFloatArray());
            }
            Map<String, NDArray> state = opt.state();
            // exp_avg after two steps: 0.9·0.1·g1 + 0.1·g2 for w[0] = 0.009 − 0.04.
            assertEquals(0.9 * 0.1 * 0.1 + 0.1 * -0.4, state.get("exp_avg.blocks.0.attn.qkv.weight").toFloatArray()[0],
                    1e-7);
        }
    }

    @Test
    void fixedParametersAreLeftOut() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter w = Grads.param(m, "w", new float[] {1}, new Shape(1));
            Parameter fixed = Parameter.builder().setName("pos_embed").optShape(new Shape(1))
                    .optInitializer((mm, sh, dt) -> mm.ones(sh)).optRequiresGrad(false).build();
            fixed.initialize(m, DataType.FLOAT32);
            AdamW opt = new AdamW(new AdamWSettings(0.1, 0.9, 0.999, 1e-8, 0.05));
            opt.init(List.of(w, new NamedParameter("pos_embed", fixed)), m);
            assertEquals(List.of("exp_avg.w", "exp_avg_sq.w"), List.copyOf(opt.state().keySet()));
            Grads.setGradients(m, List.of(w), new float[] {1});
            opt.step();
            assertEquals(1f, fixed.getArray().getFloat());
        }
    }

    @Test
    void lrIsScaledByEffectiveBatchOverBaseBatch() {
        // Built through the registry, as a run builds it: the registered creator applies the scaling.
        Optimizer opt = registered("type = AdamW, lr = 1.5e-4, base_batch_size = 256", 4096);
        assertEquals(2.4e-3, opt.baseLr(), 1e-12);
        Optimizer unscaled = registered("type = AdamW, lr = 1.5e-4", 4096);
        assertEquals(1.5e-4, unscaled.baseLr(), 1e-15);
    }

    /** The optimizer {@code config} describes, built by its registered type for {@code effectiveBatch} samples. */
    static Optimizer registered(String config, int effectiveBatch) {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString(config));
        Spec<Optimizer> spec = Injectors.create().getInstance(Components.class).parse(n, Optimizer.KIND)
                .orElseThrow();
        assertEquals(List.of(), n.problems().list());
        return spec.create(new BuildContext(Path.of("."), 0, effectiveBatch, false));
    }

    /**
     * The one-call path (clip + fused AdamW + zero) against clipping and the array-operation update done
     * separately, over three steps with clipping active and two groups; then a non-finite step changes nothing.
     */
    @Test
    void clipStepZeroEqualsTheSeparateStepsAndSkipsNonFiniteOnTheDevice() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConfigNode n = ConfigNode.root(ConfigFactory.parseString("lr = 0.1, betas = [0.9, 0.95], "
                    + "weight_decay = 0.05, paramwise_options = [{pattern = \"bias\", weight_decay = 0, lr_mult = 0.5}]"));
            AdamWSettings s = AdamWSettings.fromConfig(n);
            NamedParameter w1 = Grads.param(m, "blocks.0.fc.weight", new float[] {1, -2, 3}, new Shape(3));
            NamedParameter b1 = Grads.param(m, "head.bias", new float[] {0.5f, -0.5f}, new Shape(2));
            NamedParameter w2 = Grads.param(m, "blocks.0.fc.weight", new float[] {1, -2, 3}, new Shape(3));
            NamedParameter b2 = Grads.param(m, "head.bias", new float[] {0.5f, -0.5f}, new Shape(2));
            AdamW fused = new AdamW(s);
            fused.init(List.of(w1, b1), m);
            AdamW separate = new AdamW(s);
            separate.useNativeUpdate(false);
            separate.init(List.of(w2, b2), m);
            GradientOps.PerParameter clip = new GradientOps.PerParameter();
            float[][] grads = {{3, 4, 0}, {12, 0}, {0.1f, -0.2f, 0.3f}, {0.05f, 0}, {-1, 2, 2}, {1, 1}};
            for (int step = 0; step < 3; step++) {
                Grads.setGradients(m, List.of(w1, b1), grads[2 * step], grads[2 * step + 1]);
                Grads.setGradients(m, List.of(w2, b2), grads[2 * step], grads[2 * step + 1]);
                NDArray norm = fused.clipStepZero(1.0, m).orElseThrow();
                NDArray norm2 = clip.clip(List.of(w2, b2), 1.0, m);
                separate.step();
                assertEquals(norm2.getFloat(), norm.getFloat(), 1e-6f);
                assertArrayEquals(w2.parameter().getArray().toFloatArray(), w1.parameter().getArray().toFloatArray(),
                        TOL);
                assertArrayEquals(b2.parameter().getArray().toFloatArray(), b1.parameter().getArray().toFloatArray(),
                        TOL);
                // Zeroed by a multiply with 0: -0.0 for negative gradients, equal to 0 for every later use.
                assertArrayEquals(new float[3], w1.parameter().getArray().getGradient().toFloatArray(), 0f);
            }
            assertEquals(3, fused.steps());
            // Step 1 by hand: norm 13 clips by 1/13; w0 = 1 * (1 - 0.1 * 0.05) - 0.1 * sign(g) = 0.895.
            float[] before = w1.parameter().getArray().toFloatArray();
            Grads.setGradients(m, List.of(w1, b1), new float[] {Float.NaN, 1, 1}, new float[] {1, 1});
            assertTrue(Float.isNaN(fused.clipStepZero(1.0, m).orElseThrow().getFloat()));
            assertArrayEquals(before, w1.parameter().getArray().toFloatArray(), "a non-finite step must not update");
            assertEquals(3, fused.steps(), "a skipped step does not count");
            assertEquals(1f, b1.parameter().getArray().getGradient().toFloatArray()[0], "gradients kept to diagnose");
        }
    }
}
