package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.initializer.Initializer;

/** {@code nn.LayerNorm(dim, eps=1e-6)} over the last axis: parameters {@code weight} = 1, {@code bias} = 0. */
public final class LayerNormLayer extends Layer {
    public static final float EPS = 1e-6f;
    private final Parameter weight;
    private final Parameter bias;
    private final Shape normalized;

    public LayerNormLayer(long dim) {
        normalized = new Shape(dim);
        weight = param("weight", normalized, Initializer.ONES, true);
        bias = param("bias", normalized, Initializer.ZEROS, true);
    }

    public NDArray apply(Step s, NDArray x) {
        return LayerNorm.layerNorm(x, normalized, s.param(weight), s.param(bias), EPS).singletonOrThrow();
    }

    /** {@link #apply}, with the reference's eps 1e-6 (the float {@link #EPS} differs from it by 3e-15). */
    public String script(ScriptWriter w, String x) {
        return w.let("torch.layer_norm(" + x + ", " + ScriptWriter.ints(normalized.getShape()) + ", "
                + w.param(weight) + ", " + w.param(bias) + ", 1e-06)");
    }
}
