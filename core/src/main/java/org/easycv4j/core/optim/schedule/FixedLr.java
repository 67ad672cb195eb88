package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;

/** mmcv's fixed policy: the base lr, with optional warmup. */
public record FixedLr(Warmup warmup) implements LrSchedule {

    public static FixedLr fromConfig(ConfigNode n) {
        return new FixedLr(Warmup.fromConfig(n));
    }

    @Override
    public double lr(double baseLr, long iter, long itersPerEpoch, long maxIters) {
        return warmup.apply(baseLr, iter, itersPerEpoch);
    }
}
