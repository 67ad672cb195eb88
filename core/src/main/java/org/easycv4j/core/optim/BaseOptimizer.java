package org.easycv4j.core.optim;

/**
 * What every optimizer holds of the learning rate: its base lr (after batch-size scaling), which the schedule
 * scales, and the lr of the next step, which the {@link ParamScheduler} sets.
 */
public abstract class BaseOptimizer implements Optimizer {
    private final double baseLr;
    private double lr;

    protected BaseOptimizer(double baseLr) {
        this.baseLr = baseLr;
        this.lr = baseLr;
    }

    @Override
    public final double baseLr() {
        return baseLr;
    }

    @Override
    public final double lr() {
        return lr;
    }

    @Override
    public final void setLr(double lr) {
        this.lr = lr;
    }
}
