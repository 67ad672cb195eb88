package org.easycv4j.core.optim;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * Sets the optimizer's learning rate from the {@link LrSchedule}, and its weight decay from a
 * {@link ParamSchedule} when one is configured, before every optimizer step (mmengine's parameter schedulers): the
 * schedules are functions of optimizer steps, not of batches, so gradient accumulation ({@code update_interval}
 * batches per step) stretches neither the warmup nor the decay. An epoch of {@code B} batches has
 * {@code ceil(B / update_interval)} steps, its last possibly over fewer batches, as the train loop steps at every
 * epoch end.
 */
public final class ParamScheduler {
    private final LrSchedule lr;
    private final List<ParamSchedule> others;
    private final int updateInterval;
    private final long stepsPerEpoch;
    private final long maxSteps;

    /**
     * @param others the {@code param_scheduler} entries, at most one per value ({@link #check})
     * @param batchesPerEpoch training batches per epoch (per rank)
     * @param updateInterval batches per optimizer step
     * @param maxEpochs epochs of the run
     */
    public ParamScheduler(LrSchedule lr, List<ParamSchedule> others, int batchesPerEpoch, int updateInterval,
            int maxEpochs) {
        if (updateInterval < 1) {
            throw new IllegalArgumentException("update_interval must be >= 1, got " + updateInterval);
        }
        this.lr = lr;
        this.others = List.copyOf(others);
        this.updateInterval = updateInterval;
        this.stepsPerEpoch = stepsPerEpoch(batchesPerEpoch, updateInterval);
        this.maxSteps = stepsPerEpoch * maxEpochs;
    }

    /** Optimizer steps in an epoch of {@code batches} batches. */
    private static long stepsPerEpoch(int batches, int updateInterval) {
        return (batches + updateInterval - 1) / updateInterval;
    }

    /** The 0-based optimizer step that batch {@code epochBatch} of {@code epoch} contributes to. */
    public long stepOf(int epoch, int epochBatch) {
        return epoch * stepsPerEpoch + epochBatch / updateInterval;
    }

    /**
     * Refuses two schedules of one value (which would contend for it), and a weight-decay schedule for an optimizer
     * whose configured weight decay is 0: a factor on it cannot reach another value.
     */
    public void check(Optimizer optimizer) {
        for (int i = 0; i < others.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (others.get(j).param() == others.get(i).param()) {
                    throw new IllegalArgumentException("param_scheduler[" + i + "] schedules "
                            + ConfigNode.configName(others.get(i).param()) + " as param_scheduler[" + j
                            + "] does: give each value one schedule");
                }
            }
            if (others.get(i).param() == ParamSchedule.Param.WEIGHT_DECAY && optimizer.baseWeightDecay() == 0) {
                throw new IllegalArgumentException("param_scheduler[" + i + "] schedules weight_decay, but the "
                        + "optimizer's weight_decay is 0: set optimizer.weight_decay to the value it starts from");
            }
        }
    }

    /** Sets {@code optimizer}'s lr (and scheduled weight decay) for optimizer step {@code step}; returns the lr. */
    public double apply(Optimizer optimizer, long step) {
        double value = lr.lr(optimizer.baseLr(), step, stepsPerEpoch, maxSteps);
        optimizer.setLr(value);
        for (ParamSchedule s : others) {
            switch (s.param()) {
                case WEIGHT_DECAY -> {
                    double base = optimizer.baseWeightDecay();
                    optimizer.setWeightDecayScale(base == 0 ? 1 : s.value(base, step, stepsPerEpoch, maxSteps) / base);
                }
            }
        }
        return value;
    }
}
