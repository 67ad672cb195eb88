package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.initializer.Initializer;
import java.util.function.BiFunction;

/** {@code fc1} → GELU (erf form) → {@code fc2}. */
public final class Mlp extends Layer {
    private final LinearLayer fc1;
    private final LinearLayer fc2;

    public Mlp(int dim, int hidden, BiFunction<Long, Long, Initializer> linearInit) {
        fc1 = addChildBlock("fc1", new LinearLayer(dim, hidden, linearInit.apply((long) dim, (long) hidden)));
        fc2 = addChildBlock("fc2", new LinearLayer(hidden, dim, linearInit.apply((long) hidden, (long) dim)));
    }

    public NDArray apply(Step s, NDArray x) {
        return fc2.apply(s, Activation.gelu(fc1.apply(s, x)));
    }

    /** {@link #apply} in inference. */
    public String script(ScriptWriter w, String x) {
        return fc2.script(w, w.let("torch.gelu(" + fc1.script(w, x) + ")"));
    }
}
