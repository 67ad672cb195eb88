package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.optim.Gradients;
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
    private final GradientOps gradients;
    private final double maxNorm;
    private final int maxNonFinite;
    private int nonFiniteInARow;
    private long skipped;

    OptimStep(List<NamedParameter> params, Optimizer optimizer, double maxNorm, int maxNonFinite) {
        this.params = params;
        this.optimizer = optimizer;
        // Lives as long as the model: its native module is attached to the parameters' manager.
        this.gradients = params.isEmpty() ? new GradientOps.PerParameter()
                : GradientOps.forEngine(params.get(0).parameter().getArray().getManager());
        this.maxNorm = maxNorm;
        this.maxNonFinite = maxNonFinite;
    }

    /** Applies the step; returns the gradient norm before clipping, or NaN when the step was skipped. */
    double apply(double lr, NDManager scope) {
        NDArray normArray = gradients.clip(params, maxNorm, scope);
        double norm = normArray.toType(DataType.FLOAT64, false).getDouble();
        if (!Double.isFinite(norm)) {
            nonFiniteInARow++;
            skipped++;
            LOG.warn("non-finite gradients in {}: step skipped ({} in a row, {} in all)", Gradients.nonFinite(params),
                    nonFiniteInARow, skipped);
            gradients.zero(params);
            if (nonFiniteInARow >= maxNonFinite) {
                throw new NonFiniteLossException("gradients were non-finite in " + nonFiniteInARow
                        + " optimizer steps in a row (optimizer_config.max_nonfinite_steps = " + maxNonFinite
                        + "); lower the learning rate or enable gradient clipping");
            }
            return Double.NaN;
        }
        nonFiniteInARow = 0;
        optimizer.step(lr);
        if (!optimizer.zeroesGradients()) {
            gradients.zero(params);
        }
        return norm;
    }

    long skipped() {
        return skipped;
    }
}
