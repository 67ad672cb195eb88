package org.easycv4j.core.optim;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.registry.BuildContext;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** LARS against the MAE repository's formula computed in PyTorch ({@code src/test/python/lars_reference.py}). */
class LarsTest {

    private static float[] f(double... v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    @Test
    void twoStepsMatchThePyTorchReference() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter w = Grads.param(m, "head.weight", f(0.5, -1.0, 2.0, 1.5, 0.25, -0.75), new Shape(2, 3));
            NamedParameter b = Grads.param(m, "head.bias", f(0.1, -0.2), new Shape(2));
            NamedParameter z = Grads.param(m, "proj.weight", new float[4], new Shape(2, 2));
            List<NamedParameter> ps = List.of(w, b, z);
            Lars lars = new Lars(new Lars.Settings(0.5, 0.9, 0.1, 0.001, 0), 0.5);
            lars.init(ps, m);
            Grads.setGradients(m, ps, f(0.2, -0.1, 0.05, 0.3, 0.0, -0.4), f(0.5, -0.5), f(1.0, 2.0, -2.0, 0.5));
            lars.setLr(0.5);
            lars.step();
            assertArrayEquals(f(0.4995375978, -0.9996300782, 1.9995375978, 1.499167676, 0.2499537598,
                    -0.7491214358), w.parameter().getArray().toFloatArray(), 1e-6f);
            // 1-D: no decay, no trust ratio: b - lr * g.
            assertArrayEquals(f(-0.15, 0.05), b.parameter().getArray().toFloatArray(), 1e-6f);
            // Zero weights: trust ratio 1, so the whole (decayed) gradient is applied.
            assertArrayEquals(f(-0.5, -1.0, 1.0, -0.25), z.parameter().getArray().toFloatArray(), 1e-6f);

            Grads.setGradients(m, ps, f(-0.1, 0.2, 0.3, 0.0, -0.25, 0.1), f(-0.3, 0.1), f(0.5, -0.5, 0.25, 1.0));
            lars.setLr(0.25);
            lars.step();
            assertArrayEquals(f(0.499390998, -0.9995865076, 1.9987153303, 1.4986089595, 0.2502093668,
                    -0.7487569021), w.parameter().getArray().toFloatArray(), 1e-6f);
            assertArrayEquals(f(-0.187499997, 0.1374999996), b.parameter().getArray().toFloatArray(), 1e-6f);
            assertArrayEquals(f(-0.7251337678, -1.449821643, 1.4498959584, -0.3627898302),
                    z.parameter().getArray().toFloatArray(), 1e-5f);
            assertArrayEquals(f(0.0005863994, -0.0001742827, 0.0032890699, 0.0022348661, -0.0010224282,
                    -0.0014581351), lars.state().get("mu.head.weight").toFloatArray(), 1e-7f);
            assertEquals(List.of("mu.head.weight", "mu.head.bias", "mu.proj.weight"), List.copyOf(lars.state().keySet()));
            assertEquals(2, lars.steps());
        }
    }

    @Test
    void defaultsAreTheMaeLinearProbesAndLrScalesWithTheBatch() {
        Lars.Settings s = Lars.Settings.fromConfig(ConfigNode.root(ConfigFactory.parseString(
                "lr = 0.1, base_batch_size = 256")));
        assertEquals(new Lars.Settings(0.1, 0.9, 0.0, 0.001, 256), s);
        Optimizer opt = AdamWTest.registered("type = LARS, lr = 0.1, base_batch_size = 256", 16384);
        assertEquals(6.4, opt.baseLr(), 1e-12);
        // 1-D parameters show no decay in param_groups.json, matrices the configured one.
        ParamGroups g = new Lars(new Lars.Settings(0.1, 0.9, 0.05, 0.001, 0), 0.1).paramGroups().orElseThrow();
        assertEquals(0.0, g.assign("head.bias", new Shape(10), LayerIds.NONE).weightDecay());
        assertEquals(0.05, g.assign("head.weight", new Shape(10, 4), LayerIds.NONE).weightDecay());
    }
}
