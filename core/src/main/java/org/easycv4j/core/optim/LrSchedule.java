package org.easycv4j.core.optim;

/** The learning rate as a function of training progress (registry kind "lr schedule"). */
public interface LrSchedule {

    /**
     * The learning rate for global iteration {@code iter} (0-based).
     *
     * @param baseLr the optimizer's configured lr
     * @param itersPerEpoch optimizer steps per epoch
     * @param maxIters optimizer steps in the whole run
     */
    double lr(double baseLr, long iter, long itersPerEpoch, long maxIters);
}
