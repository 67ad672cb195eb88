package org.easycv4j.core.optim;

import org.easycv4j.core.config.ConfigNode;

/**
 * {@code amp_config}: dynamic loss scaling, with {@code torch.amp.GradScaler}'s defaults.
 *
 * @param initScale the first scale (65536)
 * @param growthFactor multiplier after {@code growthInterval} good steps (2)
 * @param backoffFactor multiplier after an overflow (0.5)
 * @param growthInterval good steps in a row before growing (2000)
 */
public record LossScaleSettings(double initScale, double growthFactor, double backoffFactor, int growthInterval) {

    public static final LossScaleSettings DEFAULT = new LossScaleSettings(65536.0, 2.0, 0.5, 2000);

    /** Reads {@code init_scale, growth_factor, backoff_factor, growth_interval} (all optional). */
    public static LossScaleSettings fromConfig(ConfigNode n) {
        double init = n.number("init_scale", DEFAULT.initScale());
        n.check(init > 0 && Double.isFinite(init), "init_scale", "expected a finite init_scale > 0, got " + init);
        double growth = n.number("growth_factor", DEFAULT.growthFactor());
        n.check(growth > 1, "growth_factor", "expected growth_factor > 1, got " + growth);
        double backoff = n.number("backoff_factor", DEFAULT.backoffFactor());
        n.check(backoff > 0 && backoff < 1, "backoff_factor", "expected 0 < backoff_factor < 1, got " + backoff);
        int interval = n.integerAtLeast("growth_interval", DEFAULT.growthInterval(), 1);
        n.finish();
        return new LossScaleSettings(init, growth, backoff, interval);
    }
}
