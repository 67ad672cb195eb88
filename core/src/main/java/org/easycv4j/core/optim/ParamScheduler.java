package org.easycv4j.core.optim;

/**
 * Sets the optimizer's learning rate from the {@link LrSchedule} before every optimizer step (mmengine's
 * parameter scheduler): the schedule is a function of optimizer steps, not of batches, so gradient accumulation
 * ({@code update_interval} batches per step) stretches neither the warmup nor the decay. An epoch of {@code B}
 * batches has {@code ceil(B / update_interval)} steps, its last possibly over fewer batches, as the train loop
 * steps at every epoch end.
 */
public final class ParamScheduler {
    private final LrSchedule lr;
    private final int updateInterval;
    private final long stepsPerEpoch;
    private final long maxSteps;

    /**
     * @param batchesPerEpoch training batches per epoch (per rank)
     * @param updateInterval batches per optimizer step
     * @param maxEpochs epochs of the run
     */
    public ParamScheduler(LrSchedule lr, int batchesPerEpoch, int updateInterval, int maxEpochs) {
        if (updateInterval < 1) {
            throw new IllegalArgumentException("update_interval must be >= 1, got " + updateInterval);
        }
        this.lr = lr;
        this.updateInterval = updateInterval;
        this.stepsPerEpoch = stepsPerEpoch(batchesPerEpoch, updateInterval);
        this.maxSteps = stepsPerEpoch * maxEpochs;
    }

    /** Optimizer steps in an epoch of {@code batches} batches. */
    public static long stepsPerEpoch(int batches, int updateInterval) {
        return (batches + updateInterval - 1) / updateInterval;
    }

    /** Optimizer steps in the whole run. */
    public long maxSteps() {
        return maxSteps;
    }

    /** The 0-based optimizer step that batch {@code epochBatch} of {@code epoch} contributes to. */
    public long stepOf(int epoch, int epochBatch) {
        return epoch * stepsPerEpoch + epochBatch / updateInterval;
    }

    /** Sets {@code optimizer}'s lr for optimizer step {@code step}; returns it. */
    public double apply(Optimizer optimizer, long step) {
        double value = lr.lr(optimizer.baseLr(), step, stepsPerEpoch, maxSteps);
        optimizer.setLr(value);
        return value;
    }
}
