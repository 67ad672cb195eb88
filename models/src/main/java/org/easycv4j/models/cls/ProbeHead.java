package org.easycv4j.models.cls;

import ai.djl.ndarray.NDArray;
import org.easycv4j.models.vit.BatchNormLayer;
import org.easycv4j.models.vit.Inits;
import org.easycv4j.models.vit.Layer;
import org.easycv4j.models.vit.LinearLayer;
import org.easycv4j.models.vit.ScriptWriter;
import org.easycv4j.models.vit.Step;

/**
 * The MAE repository's linear-probe head, {@code nn.Sequential(BatchNorm1d(dim, affine=False, eps=1e-6),
 * Linear(dim, classes))}: children {@code 0} and {@code 1}, so names match its checkpoints
 * ({@code head.0.running_mean}, {@code head.1.weight}).
 */
public final class ProbeHead extends Layer {
    /** The MAE repository's eps. */
    public static final double EPS = 1e-6;
    private final BatchNormLayer norm;
    private final LinearLayer linear;

    public ProbeHead(int dim, int classes, double initStd) {
        norm = addChildBlock("0", new BatchNormLayer(dim, EPS));
        linear = addChildBlock("1", new LinearLayer(dim, classes, Inits.truncNormal((float) initStd)));
    }

    public NDArray apply(Step s, NDArray x) {
        return linear.apply(s, norm.apply(s, x));
    }

    /** {@link #apply} in evaluation: the BatchNorm with its running statistics. */
    public String script(ScriptWriter w, String x) {
        return linear.script(w, norm.script(w, x));
    }
}
