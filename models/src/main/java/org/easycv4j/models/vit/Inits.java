package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.initializer.Initializer;

/** The initializers of the MAE reference and timm, drawn from the engine's seeded generator. */
public final class Inits {
    private Inits() {}

    /** Xavier-uniform on the (fan_out, fan_in) view of the weight, as MAE does for Linear and patch weights. */
    public static Initializer xavierUniform(long fanIn, long fanOut) {
        float a = (float) Math.sqrt(6.0 / (fanIn + fanOut));
        return uniform(a);
    }

    /** Uniform in [-a, a] (PyTorch's default Conv2d init uses a = 1/sqrt(fan_in) for weight and bias). */
    public static Initializer uniform(float a) {
        return (m, shape, dt) -> m.randomUniform(-a, a, shape, dt);
    }

    public static Initializer normal(float std) {
        return (m, shape, dt) -> m.randomNormal(0f, std, shape, dt);
    }

    /** timm's trunc_normal_: normal(0, std) truncated to the absolute interval [-2, 2] (by redrawing). */
    public static Initializer truncNormal(float std) {
        return (m, shape, dt) -> {
            // Temporaries live in a sub-manager so that only the result stays on the model's manager.
            try (NDManager scope = m.newSubManager()) {
                NDArray a = scope.randomNormal(0f, std, shape, DataType.FLOAT32);
                // Redraw the (vanishingly rare for std << 1) samples outside [-2, 2].
                for (int i = 0; i < 100; i++) {
                    NDArray out = a.abs().gt(2f);
                    if (!out.any().getBoolean()) {
                        break;
                    }
                    a = NDArrays.where(out, scope.randomNormal(0f, std, shape, DataType.FLOAT32), a);
                }
                NDArray result = a.toType(dt, false).duplicate();
                result.attach(m);
                return result;
            }
        };
    }

    /** Every element {@code v} (no draw from the generator). */
    public static Initializer constant(float v) {
        return (m, shape, dt) -> m.full(shape, v, dt);
    }

    /** Fixed values (row-major), e.g. sin-cos position embeddings. */
    public static Initializer fixed(float[] values) {
        return (m, shape, dt) -> {
            // create(float[]) wraps a Java buffer and toType may alias it: clone so the parameter owns its memory
            // (otherwise GC frees the buffer under the parameter once the wrapper is closed).
            try (NDManager scope = m.newSubManager()) {
                NDArray result = scope.create(values, shape).toType(dt, false).duplicate();
                result.attach(m);
                return result;
            }
        };
    }
}
