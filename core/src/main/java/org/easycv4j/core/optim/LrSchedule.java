package org.easycv4j.core.optim;

import org.easycv4j.core.registry.Kind;

/** The learning rate as a function of training progress (registry kind "lr schedule"). */
public interface LrSchedule {
    /** The registry kind of {@code LrSchedule}s (tools/list lr_schedule): what a config's {@code type} names here. */
    Kind<LrSchedule> KIND = Kind.of("lr schedule", LrSchedule.class, "the learning rate as a function of the iteration (lr_config.policy)");


    /**
     * The learning rate for global iteration {@code iter} (0-based).
     *
     * @param baseLr the optimizer's configured lr
     * @param itersPerEpoch optimizer steps per epoch
     * @param maxIters optimizer steps in the whole run
     */
    double lr(double baseLr, long iter, long itersPerEpoch, long maxIters);
}
