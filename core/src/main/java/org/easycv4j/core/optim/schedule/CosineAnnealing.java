package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;

/**
 * Cosine annealing to {@code min_lr} (or {@code min_lr_ratio} of the base lr) with mmcv's warmup.
 *
 * <p>EasyCV (mmcv) anneals over the whole run and warms up by scaling the cosine value. The MAE repo instead
 * rises linearly from 0 and starts the cosine after warmup; {@code cosine_after_warmup = true} selects that.
 */
public record CosineAnnealing(double minLr, double minLrRatio, boolean byEpoch, boolean cosineAfterWarmup,
        Warmup warmup) implements LrSchedule {

    public static CosineAnnealing fromConfig(ConfigNode n) {
        n.check(!(n.has("min_lr") && n.has("min_lr_ratio")), "min_lr_ratio", "set min_lr or min_lr_ratio, not both");
        double minLr = n.number("min_lr", 0.0);
        double ratio = n.has("min_lr_ratio") ? n.numberIn("min_lr_ratio", 0.0, 0.0, 1.0) : Double.NaN;
        boolean byEpoch = n.bool("by_epoch", false);
        boolean after = n.bool("cosine_after_warmup", false);
        return new CosineAnnealing(minLr, ratio, byEpoch, after, Warmup.fromConfig(n));
    }

    @Override
    public double lr(double baseLr, long iter, long itersPerEpoch, long maxIters) {
        double target = Double.isNaN(minLrRatio) ? minLr : baseLr * minLrRatio;
        if (cosineAfterWarmup) {
            double warm = warmup.byEpoch() ? warmup.iters() * itersPerEpoch : warmup.iters();
            if (iter < warm) {
                return baseLr * iter / warm;
            }
            double f = (iter - warm) / Math.max(1.0, maxIters - warm);
            return annealCos(baseLr, target, f);
        }
        double f = byEpoch
                ? (double) (iter / itersPerEpoch) / Math.max(1, maxIters / itersPerEpoch)
                : (double) iter / Math.max(1, maxIters);
        return warmup.apply(annealCos(baseLr, target, f), iter, itersPerEpoch);
    }

    static double annealCos(double start, double end, double factor) {
        return end + 0.5 * (start - end) * (Math.cos(Math.PI * factor) + 1);
    }
}
