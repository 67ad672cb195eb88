package org.easycv4j.core.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.easycv4j.core.model.NamedParameter;

/** Test helpers: parameters with chosen values, and setting their gradients to chosen values. */
public final class Grads {
    private Grads() {}

    public static NamedParameter param(NDManager m, String name, float[] values, Shape shape) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer((mm, s, dt) -> mm.create(values, s)).build();
        p.initialize(m, DataType.FLOAT32);
        return new NamedParameter(name, p);
    }

    /** Makes each parameter's gradient equal to {@code grads[i]} (backward of sum(w · g)). */
    public static void setGradients(NDManager m, List<NamedParameter> params, float[]... grads) {
        Gradients.zero(params);
        try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray total = step.create(0f);
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).parameter().getArray();
                NDArray g = step.create(grads[i], w.getShape());
                NDArray term = g.mul(w).sum();
                total = total.add(term);
            }
            gc.backward(total);
        }
    }
}
