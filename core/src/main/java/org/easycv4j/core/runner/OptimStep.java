package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.optim.Gradients;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One optimizer step from accumulated gradients: unscaling (mixed precision), global-norm clipping, the
 * non-finite guard, the update and zeroing of the gradients. Costs one scalar host read per step (the finite
 * check), never one per parameter.
 */
public final class OptimStep {
    private static final Logger LOG = LoggerFactory.getLogger(OptimStep.class);

    private final List<NamedParameter> params;
    private final Optimizer optimizer;
    private final GradientOps gradients;
    private final Optional<LossScaler> scaler;
    private final Optional<ReplicaSync> sync;
    private final double maxNorm;
    private final int maxNonFinite;
    /** Every rank takes the same decision on the same global gradient: rank 0 alone says so. */
    private final boolean logs;
    private int nonFiniteInARow;
    private long skipped;

    public OptimStep(List<NamedParameter> params, Optimizer optimizer, double maxNorm, int maxNonFinite) {
        this(params, optimizer, Optional.empty(), Optional.empty(), maxNorm, maxNonFinite);
    }

    public OptimStep(List<NamedParameter> params, Optimizer optimizer, Optional<LossScaler> scaler, double maxNorm,
            int maxNonFinite) {
        this(params, optimizer, scaler, Optional.empty(), maxNorm, maxNonFinite);
    }

    /**
     * @param sync averages the gradients over the ranks of a data-parallel job first
     * @param maxNorm global-norm clipping threshold (0: no clipping)
     * @param maxNonFinite non-finite steps in a row that end the run
     */
    public OptimStep(List<NamedParameter> params, Optimizer optimizer, Optional<LossScaler> scaler,
            Optional<ReplicaSync> sync, double maxNorm, int maxNonFinite) {
        this.scaler = scaler;
        this.sync = sync;
        this.params = params;
        this.optimizer = optimizer;
        // Lives as long as the model: its native module is attached to the parameters' manager.
        this.gradients = params.isEmpty() ? new GradientOps.PerParameter()
                : GradientOps.forEngine(params.get(0).parameter().getArray().getManager());
        this.maxNorm = maxNorm;
        this.maxNonFinite = maxNonFinite;
        this.logs = sync.map(r -> r.rank() == 0).orElse(true);
    }

    /**
     * Applies the step with the optimizer's current lr ({@link Optimizer#lr()}); returns the gradient norm before
     * clipping, or NaN when the step was skipped.
     */
    public double apply(NDManager scope) {
        // Once per step, after accumulation: unscaling, clipping, the finite check and the update all see the
        // global gradient, so every rank takes the same decision and the same step.
        sync.ifPresent(s -> s.averageGradients(scope));
        scaler.ifPresent(s -> s.unscale(params, scope));
        // Fused (PyTorch AdamW): clip, update and zero are queued before the norm is read; a non-finite norm
        // makes the kernel skip on the device. Otherwise clip here, read, then step.
        Optional<NDArray> fused = optimizer.clipStepZero(maxNorm, scope);
        NDArray normArray = fused.isPresent() ? fused.get() : gradients.clip(params, maxNorm, scope);
        double norm = normArray.toType(DataType.FLOAT64, false).getDouble();
        if (!Double.isFinite(norm) && scaler.isPresent()) {
            return overflow(scaler.get());
        }
        if (!Double.isFinite(norm)) {
            nonFiniteInARow++;
            skipped++;
            if (logs) {
                LOG.warn("non-finite gradients in {}: step skipped ({} in a row, {} in all)",
                        Gradients.nonFinite(params), nonFiniteInARow, skipped);
            }
            gradients.zero(params);
            if (nonFiniteInARow >= maxNonFinite) {
                throw new NonFiniteLossException("gradients were non-finite in " + nonFiniteInARow
                        + " optimizer steps in a row (optimizer_config.max_nonfinite_steps = " + maxNonFinite
                        + "); lower the learning rate or enable gradient clipping");
            }
            return Double.NaN;
        }
        nonFiniteInARow = 0;
        if (fused.isEmpty()) {
            optimizer.step();
            if (!optimizer.zeroesGradients()) {
                gradients.zero(params);
            }
        }
        scaler.ifPresent(LossScaler::update);
        return norm;
    }

    /**
     * An fp16 overflow: skip the step and back the scale off, as GradScaler does. Overflows are expected while
     * the scale settles and do not count as failures until the scale has dropped below 1 (then the gradients
     * are non-finite for another reason).
     */
    private double overflow(LossScaler s) {
        double before = s.currentScale();
        s.update();
        gradients.zero(params);
        skipped++;
        if (logs) {
            LOG.info("gradient overflow at loss scale {}: step skipped, scale now {}", before, s.currentScale());
        }
        if (before < 1 && ++nonFiniteInARow >= maxNonFinite) {
            throw new NonFiniteLossException("gradients were non-finite in " + nonFiniteInARow
                    + " optimizer steps in a row with the loss scale below 1 (optimizer_config.max_nonfinite_steps = "
                    + maxNonFinite + "); lower the learning rate or train in float32");
        }
        return Double.NaN;
    }

    public long skipped() {
        return skipped;
    }
}
