package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.easycv4j.core.optim.NamedParameter;
import org.easycv4j.core.optim.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One optimizer step from accumulated gradients: global-norm clipping, the non-finite guard, the update and
 * zeroing of the gradients. Costs one scalar host read per step (the finite check), never one per parameter.
 */
final class OptimStep {
    private static final Logger LOG = LoggerFactory.getLogger(OptimStep.class);

    private final List<NamedParameter> params;
    private final Optimizer optimizer;
    private final double maxNorm;
    private final int maxNonFinite;
    private int nonFiniteInARow;
    private long skipped;

    OptimStep(List<NamedParameter> params, Optimizer optimizer, double maxNorm, int maxNonFinite) {
        this.params = params;
        this.optimizer = optimizer;
        this.maxNorm = maxNorm;
        this.maxNonFinite = maxNonFinite;
    }

    /** Applies the step; returns the gradient norm before clipping, or NaN when the step was skipped. */
    double apply(double lr, NDManager scope) {
        NDList squares = new NDList(params.size());
        for (NamedParameter p : params) {
            NDArray g = p.parameter().getArray().getGradient();
            g.attach(scope);
            squares.add(g.square().sum());
        }
        NDArray total = ai.djl.ndarray.NDArrays.stack(squares).sum().sqrt();
        double norm = total.getFloat();
        if (!Double.isFinite(norm)) {
            nonFiniteInARow++;
            skipped++;
            LOG.warn("non-finite gradient norm ({}): step skipped ({} in a row, {} in all)", norm, nonFiniteInARow,
                    skipped);
            if (nonFiniteInARow >= maxNonFinite) {
                throw new NonFiniteLossException("gradients were non-finite in " + nonFiniteInARow
                        + " optimizer steps in a row (optimizer_config.max_nonfinite_steps = " + maxNonFinite
                        + "); lower the learning rate or enable gradient clipping");
            }
            zeroGradients(scope);
            return Double.NaN;
        }
        nonFiniteInARow = 0;
        if (maxNorm > 0 && norm > maxNorm) {
            NDArray factor = scope.create((float) (maxNorm / (norm + 1e-6)));
            for (NamedParameter p : params) {
                NDArray g = p.parameter().getArray().getGradient();
                g.attach(scope);
                g.muli(factor);
            }
        }
        optimizer.step(lr);
        zeroGradients(scope);
        return norm;
    }

    long skipped() {
        return skipped;
    }

    private void zeroGradients(NDManager scope) {
        for (NamedParameter p : params) {
            NDArray g = p.parameter().getArray().getGradient();
            g.attach(scope);
            // Assignment, not g - g or g * 0: those keep a NaN or an infinity.
            g.set(new NDIndex("..."), 0f);
        }
    }
}
