package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;

/** {@code nn.Linear}: parameters {@code weight} (out, in) and {@code bias} (out). */
public final class LinearLayer extends Layer {
    private final Parameter weight;
    private final Parameter bias;

    /** MAE's initialization: Xavier-uniform weight, zero bias. */
    public LinearLayer(long in, long out) {
        this(in, out, Inits.xavierUniform(in, out));
    }

    public LinearLayer(long in, long out, Initializer weightInit) {
        weight = param("weight", new Shape(out, in), weightInit, true);
        bias = param("bias", new Shape(out), Initializer.ZEROS, true);
    }

    public NDArray apply(Step s, NDArray x) {
        return Linear.linear(x, s.param(weight), s.param(bias)).singletonOrThrow();
    }
}
