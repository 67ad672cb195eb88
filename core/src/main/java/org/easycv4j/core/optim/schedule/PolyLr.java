package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;

/**
 * mmcv's poly policy: {@code (base - min_lr) * (1 - progress / max_progress) ^ power + min_lr}, progress in
 * epochs ({@code by_epoch}, mmcv's default) or iterations, then mmcv's warmup.
 */
public record PolyLr(double power, double minLr, boolean byEpoch, Warmup warmup) implements LrSchedule {

    public static PolyLr fromConfig(ConfigNode n) {
        double power = n.number("power", 1.0);
        n.check(power >= 0, "power", "expected a number >= 0, got " + power);
        return new PolyLr(power, n.number("min_lr", 0.0), n.bool("by_epoch", true), Warmup.fromConfig(n));
    }

    @Override
    public double lr(double baseLr, long iter, long itersPerEpoch, long maxIters) {
        double f = byEpoch
                ? (double) (iter / itersPerEpoch) / Math.max(1, maxIters / itersPerEpoch)
                : (double) iter / Math.max(1, maxIters);
        double lr = (baseLr - minLr) * Math.pow(1 - f, power) + minLr;
        return warmup.apply(lr, iter, itersPerEpoch);
    }
}
