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
        Shape shape = x.getShape();
        NDArray w = s.half(s.param(weight));
        NDArray b = s.half(s.param(bias));
        x = s.half(x);
        if (shape.dimension() <= 2) {
            return Linear.linear(x, w, b).singletonOrThrow();
        }
        // libtorch's C++ linear fuses the bias into the matrix product (addmm) only for 2-D input; on 3-D input
        // it runs mm and a separate bias pass. Flattening the leading dimensions is a view.
        NDArray flat = x.reshape(-1, shape.get(shape.dimension() - 1));
        NDArray y = Linear.linear(flat, w, b).singletonOrThrow();
        long[] out = shape.getShape().clone();
        out[out.length - 1] = y.getShape().get(1);
        return y.reshape(out);
    }

    /** {@link #apply} in inference. */
    public String script(ScriptWriter w, String x) {
        return w.let("torch.linear(" + x + ", " + w.param(weight) + ", " + w.param(bias) + ")");
    }
}
