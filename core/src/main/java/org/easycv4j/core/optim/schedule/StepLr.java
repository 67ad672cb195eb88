package org.easycv4j.core.optim.schedule;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;

/** mmcv's step policy: multiply by {@code gamma} at each epoch (or iteration) listed in {@code step}. */
public record StepLr(List<Integer> steps, double gamma, double minLr, boolean byEpoch, Warmup warmup)
        implements LrSchedule {

    public static StepLr fromConfig(ConfigNode n) {
        List<Integer> steps = n.integers("step", List.of());
        n.check(!steps.isEmpty(), "step", "expected a non-empty list of epochs (or iterations) at which to decay");
        double gamma = n.numberIn("gamma", 0.1, 0.0, 1.0);
        double minLr = n.number("min_lr", 0.0);
        boolean byEpoch = n.bool("by_epoch", true);
        return new StepLr(steps, gamma, minLr, byEpoch, Warmup.fromConfig(n));
    }

    @Override
    public double lr(double baseLr, long iter, long itersPerEpoch, long maxIters) {
        long progress = byEpoch ? iter / itersPerEpoch : iter;
        int passed = 0;
        for (int s : steps) {
            if (progress >= s) {
                passed++;
            }
        }
        double lr = Math.max(minLr, baseLr * Math.pow(gamma, passed));
        return warmup.apply(lr, iter, itersPerEpoch);
    }
}
