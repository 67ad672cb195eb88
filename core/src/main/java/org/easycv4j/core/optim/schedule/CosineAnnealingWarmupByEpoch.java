package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;

/**
 * EasyCV's {@code CosineAnnealingWarmupByEpoch} policy (its DeiT configs): mmcv's cosine annealing, except that
 * during warmup the lr is set only at the first iteration of each epoch and held for the epoch, so the warmup
 * rises in steps of an epoch. After warmup it is the plain cosine of {@link CosineAnnealing}.
 */
public record CosineAnnealingWarmupByEpoch(CosineAnnealing cosine) implements LrSchedule {

    public static CosineAnnealingWarmupByEpoch fromConfig(ConfigNode n) {
        CosineAnnealing c = CosineAnnealing.fromConfig(n);
        n.check(!c.cosineAfterWarmup(), "cosine_after_warmup", "not an option of CosineAnnealingWarmupByEpoch");
        return new CosineAnnealingWarmupByEpoch(c);
    }

    @Override
    public double lr(double baseLr, long iter, long itersPerEpoch, long maxIters) {
        Warmup w = cosine.warmup();
        double warmIters = w.byEpoch() ? w.iters() * itersPerEpoch : w.iters();
        long at = w.style() != Warmup.Style.NONE && iter < warmIters ? iter / itersPerEpoch * itersPerEpoch : iter;
        return cosine.lr(baseLr, at, itersPerEpoch, maxIters);
    }
}
