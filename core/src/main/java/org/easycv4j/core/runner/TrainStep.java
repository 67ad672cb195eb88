package org.easycv4j.core.runner;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.Optimizer;

/**
 * The work of one training iteration, shared by {@link TrainLoop} and the model benchmark so that what is
 * timed is what trains: forward and backward of a batch (the loss divided for gradient accumulation and
 * scaled for mixed precision), and the optimizer step (with the gradients averaged over the ranks of a
 * data-parallel job first).
 */
public final class TrainStep {
    private static final Runnable NOTHING = () -> {};

    private final TaskModel model;
    private final Optional<LossScaler> scaler;
    private final int updateInterval;
    private final OptimStep optimStep;

    /**
     * @param sync the gradient averaging of a data-parallel job (empty: one process)
     * @param updateInterval batches whose gradients add up to one optimizer step
     * @param gradClipMaxNorm global-norm clipping threshold (0: no clipping)
     * @param maxNonFiniteSteps non-finite optimizer steps in a row that end the run
     */
    public TrainStep(TaskModel model, List<NamedParameter> trainable, Optimizer optimizer, Optional<LossScaler> scaler,
            Optional<ReplicaSync> sync, int updateInterval, double gradClipMaxNorm, int maxNonFiniteSteps) {
        this.model = model;
        this.scaler = scaler;
        this.updateInterval = updateInterval;
        this.optimStep = new OptimStep(trainable, optimizer, scaler, sync, gradClipMaxNorm, maxNonFiniteSteps);
    }

    /** Forward and backward of the batch; gradients accumulate. Returns the batch's loss as the model gave it. */
    public NDArray forwardBackward(NDManager step, Batch batch) {
        return forwardBackward(step, batch, NOTHING);
    }

    /** As {@link #forwardBackward(NDManager, Batch)}, running {@code afterForward} after each forward pass. */
    public NDArray forwardBackward(NDManager step, Batch batch, Runnable afterForward) {
        ParameterStore parameters = new ParameterStore(step, false);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            StepOutput out;
            try {
                out = model.forward(parameters, batch, true);
            } catch (EngineException e) {
                throw InputMismatch.explain(model, batch, e);
            }
            afterForward.run();
            NDArray loss = out.loss();
            if (updateInterval > 1) {
                // An NDArray scalar, not div(Number): DJL may free a Java-side scalar before backward reads it.
                loss = loss.div(step.create((float) updateInterval).toDevice(loss.getDevice(), false));
            }
            collector.backward(scaler.isPresent() ? scaler.get().scaleLoss(loss) : loss);
            return out.loss();
        }
    }

    /**
     * The optimizer step from the accumulated gradients ({@link OptimStep}), with the lr the optimizer holds.
     * Returns the gradient norm before clipping, or NaN when the step was skipped.
     */
    public double update(NDManager step) {
        return optimStep.apply(step);
    }

    /** Optimizer steps skipped for non-finite gradients so far. */
    public long skippedSteps() {
        return optimStep.skipped();
    }
}
