package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.easycv4j.core.model.NamedParameter;
import org.junit.jupiter.api.Test;

class GradientsTest {

    /**
     * Gradients (3, 4) and (12): norm 13; clip to 1 scales by 1/(13 + 1e-6), as clip_grad_norm_. A 2-D gradient
     * diag(3, 4) counts with its Frobenius norm 5 (not its spectral norm 4).
     */
    @Test
    void clipsToTheGlobalNormLikePyTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter a = Grads.param(m, "a", new float[] {0, 0}, new Shape(2));
            NamedParameter c = Grads.param(m, "c", new float[] {0}, new Shape(1, 1));
            List<NamedParameter> ps = List.of(a, c);
            Grads.setGradients(m, ps, new float[] {3, 4}, new float[] {12});
            NDArray norm = Gradients.clipGlobalNorm(ps, 1.0, m);
            assertEquals(13f, norm.getFloat(), 1e-5f);
            assertTrue(Gradients.isFinite(norm));
            NamedParameter d = Grads.param(m, "d", new float[4], new Shape(2, 2));
            Grads.setGradients(m, List.of(d), new float[] {3, 0, 0, 4});
            assertEquals(5f, Gradients.globalNorm(List.of(d), m).getFloat(), 1e-6f);
            assertArrayEquals(new float[] {0.23076921701431274f, 0.307692289352417f},
                    a.parameter().getArray().getGradient().toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {0.923076868057251f}, c.parameter().getArray().getGradient().toFloatArray(),
                    1e-7f);
            // Below the threshold nothing changes.
            NDArray again = Gradients.clipGlobalNorm(ps, 5.0, m);
            assertEquals(1f, again.getFloat(), 1e-5f);
            assertArrayEquals(new float[] {0.923076868057251f}, c.parameter().getArray().getGradient().toFloatArray(),
                    1e-7f);
        }
    }

    @Test
    void detectsNonFiniteGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter a = Grads.param(m, "a", new float[] {0, 0}, new Shape(2));
            NamedParameter b = Grads.param(m, "b", new float[] {0}, new Shape(1));
            Grads.setGradients(m, List.of(a, b), new float[] {1, Float.NaN}, new float[] {2});
            assertFalse(Gradients.isFinite(Gradients.globalNorm(List.of(a, b), m)));
            assertEquals(List.of("a"), Gradients.nonFinite(List.of(a, b)));
            Gradients.zero(List.of(a, b));
            assertArrayEquals(new float[] {0, 0}, a.parameter().getArray().getGradient().toFloatArray());
            assertTrue(Gradients.isFinite(Gradients.globalNorm(List.of(a, b), m)));
        }
    }
}
