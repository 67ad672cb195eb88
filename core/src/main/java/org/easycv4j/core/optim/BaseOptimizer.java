package org.easycv4j.core.optim;

/**
 * What every optimizer holds of its scheduled values: the base lr (after batch-size scaling), which the schedule
 * scales, the lr of the next step and the factor on every weight decay, which the {@link ParamScheduler} sets.
 */
public abstract class BaseOptimizer implements Optimizer {
    private final double baseLr;
    private final double baseWeightDecay;
    private double lr;
    private double weightDecayScale = 1;

    /** @param baseWeightDecay the configured weight decay a schedule scales (0: none) */
    protected BaseOptimizer(double baseLr, double baseWeightDecay) {
        this.baseLr = baseLr;
        this.baseWeightDecay = baseWeightDecay;
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

    @Override
    public final double baseWeightDecay() {
        return baseWeightDecay;
    }

    @Override
    public final double weightDecayScale() {
        return weightDecayScale;
    }

    @Override
    public final void setWeightDecayScale(double scale) {
        this.weightDecayScale = scale;
    }
}
