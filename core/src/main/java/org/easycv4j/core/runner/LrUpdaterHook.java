package org.easycv4j.core.runner;

import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;

/** Sets the learning rate of every iteration from the schedule, before anything else runs. */
public final class LrUpdaterHook implements Hook {
    private final LrSchedule schedule;
    private final double baseLr;

    public LrUpdaterHook(LrSchedule schedule, double baseLr) {
        this.schedule = schedule;
        this.baseLr = baseLr;
    }

    @Override
    public int priority() {
        return VERY_HIGH;
    }

    @Override
    public void beforeIter(RunContext c) {
        c.setLr(schedule.lr(baseLr, c.iter(), c.itersPerEpoch(), c.maxIters()));
    }
}
