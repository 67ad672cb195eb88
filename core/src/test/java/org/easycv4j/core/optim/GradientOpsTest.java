package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Function;
import org.easycv4j.core.model.NamedParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both implementations against clip_grad_norm_'s values (the fused one is PyTorch's multi-tensor kernels). */
class GradientOpsTest {

    private static GradientOps ops(String kind, NDManager m) {
        Function<NDManager, GradientOps> make = "fused".equals(kind) ? GradientOps::forEngine
                : x -> new GradientOps.PerParameter();
        return make.apply(m);
    }

    @Test
    void pytorchEngineGetsTheFusedKernels() {
        try (NDManager m = NDManager.newBaseManager(); GradientOps ops = GradientOps.forEngine(m)) {
            assertInstanceOf(GradientOps.Fused.class, ops);
        }
    }

    /** Gradients (3, 4) and (12): norm 13; clipping to 1 scales by 1/(13 + 1e-6). */
    @ParameterizedTest
    @ValueSource(strings = {"fused", "per-parameter"})
    void clipsToTheGlobalNormLikePyTorch(String kind) {
        try (NDManager m = NDManager.newBaseManager(); GradientOps ops = ops(kind, m)) {
            NamedParameter a = Grads.param(m, "a", new float[] {0, 0}, new Shape(2));
            NamedParameter c = Grads.param(m, "c", new float[] {0}, new Shape(1, 1));
            List<NamedParameter> ps = List.of(a, c);
            Grads.setGradients(m, ps, new float[] {3, 4}, new float[] {12});
            assertEquals(13f, ops.clip(ps, 0, m).getFloat(), 1e-5f);
            assertArrayEquals(new float[] {3, 4}, a.parameter().getArray().getGradient().toFloatArray());
            NDArray norm = ops.clip(ps, 1.0, m);
            assertEquals(13f, norm.getFloat(), 1e-5f);
            assertArrayEquals(new float[] {0.23076921701431274f, 0.307692289352417f},
                    a.parameter().getArray().getGradient().toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {0.923076868057251f}, c.parameter().getArray().getGradient().toFloatArray(),
                    1e-7f);
            // Below the threshold nothing changes.
            assertEquals(1f, ops.clip(ps, 5.0, m).getFloat(), 1e-5f);
            assertArrayEquals(new float[] {0.923076868057251f}, c.parameter().getArray().getGradient().toFloatArray(),
                    1e-7f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "per-parameter"})
    void nonFiniteNormAndZeroing(String kind) {
        try (NDManager m = NDManager.newBaseManager(); GradientOps ops = ops(kind, m)) {
            NamedParameter a = Grads.param(m, "a", new float[] {0, 0}, new Shape(2));
            NamedParameter b = Grads.param(m, "b", new float[] {0}, new Shape(1));
            Grads.setGradients(m, List.of(a, b), new float[] {1, Float.NaN}, new float[] {Float.POSITIVE_INFINITY});
            assertTrue(Float.isNaN(ops.clip(List.of(a, b), 1.0, m).getFloat()));
            ops.zero(List.of(a, b));
            assertArrayEquals(new float[] {0, 0}, a.parameter().getArray().getGradient().toFloatArray());
            assertArrayEquals(new float[] {0}, b.parameter().getArray().getGradient().toFloatArray());
            assertEquals(0f, ops.clip(List.of(a, b), 1.0, m).getFloat());
        }
    }

    /** Flatten concatenates in order; unflattenInto writes the parts back scaled, into parameters too. */
    @ParameterizedTest
    @ValueSource(strings = {"fused", "per-parameter"})
    void flattenAndCopyBack(String kind) {
        try (NDManager m = NDManager.newBaseManager(); GradientOps ops = ops(kind, m)) {
            NamedParameter a = Grads.param(m, "a", new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NamedParameter c = Grads.param(m, "c", new float[] {5}, new Shape(1));
            List<NDArray> weights = List.of(a.parameter().getArray(), c.parameter().getArray());
            NDArray flat = ops.flatten(weights, m);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5}, flat.toFloatArray());
            assertEquals(new Shape(5), flat.getShape());
            ops.unflattenInto(m.create(new float[] {10, 20, 30, 40, 50}), weights, 0.5);
            assertArrayEquals(new float[] {5, 10, 15, 20}, a.parameter().getArray().toFloatArray());
            assertEquals(new Shape(2, 2), a.parameter().getArray().getShape());
            assertArrayEquals(new float[] {25}, c.parameter().getArray().toFloatArray());
            assertTrue(a.parameter().getArray().hasGradient(), "still a trainable parameter");
        }
    }
}
