package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * {@code nn.BatchNorm1d(dim, affine=False)} over (N, dim): in training the batch's mean and biased variance
 * normalize, and the running statistics move towards the batch's (unbiased variance, momentum 0.1, as
 * PyTorch); in evaluation the running statistics normalize. {@code running_mean} and {@code running_var} are
 * parameters without gradient, so checkpoints and exports carry them under PyTorch's names.
 */
public final class BatchNormLayer extends Layer {
    /** PyTorch's default. */
    public static final double MOMENTUM = 0.1;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final double eps;

    public BatchNormLayer(long dim, double eps) {
        this.eps = eps;
        runningMean = param("running_mean", new Shape(dim), Initializer.ZEROS, false);
        runningVar = param("running_var", new Shape(dim), Initializer.ONES, false);
    }

    public NDArray apply(Step s, NDArray x) {
        if (!s.training()) {
            NDArray mean = s.param(runningMean);
            NDArray std = s.own(s.param(runningVar).add(s.scalar(eps))).sqrt();
            return x.sub(mean).div(std);
        }
        long n = x.getShape().get(0);
        if (n < 2) {
            // PyTorch refuses too: one sample has no variance. drop_last = true avoids a last batch of one.
            throw new IllegalArgumentException("BatchNorm in training needs more than one sample per batch, got "
                    + x.getShape() + " (set data.drop_last = true)");
        }
        NDArray mean = x.mean(new int[] {0});
        NDArray centered = x.sub(mean);
        NDArray var = centered.square().mean(new int[] {0});
        update(s, mean, var, n);
        return centered.div(var.add(s.scalar(eps)).sqrt());
    }

    /**
     * {@link #apply} in evaluation: {@code torch.batch_norm} with {@code training=False} ignores momentum and never
     * updates the statistics, so the module stays a pure function.
     */
    public String script(ScriptWriter w, String x) {
        // aten's order: input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled.
        return w.let("torch.batch_norm(" + x + ", None, None, " + w.param(runningMean) + ", " + w.param(runningVar)
                + ", False, 0., " + ScriptWriter.number(eps) + ", False)");
    }

    /** running = (1 - momentum) running + momentum batch, with the batch variance made unbiased; no gradient. */
    private void update(Step s, NDArray mean, NDArray var, long n) {
        NDArray m = mean.stopGradient();
        NDArray v = var.stopGradient();
        NDArray keep = s.scalar(1 - MOMENTUM);
        s.param(runningMean).muli(keep).addi(m.mul(s.scalar(MOMENTUM)));
        s.param(runningVar).muli(keep).addi(v.mul(s.scalar(MOMENTUM * n / (n - 1.0))));
    }
}
