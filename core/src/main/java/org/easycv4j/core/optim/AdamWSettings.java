package org.easycv4j.core.optim;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * AdamW settings in EasyCV's spelling: {@code lr}, {@code betas = [0.9, 0.999]}, {@code eps},
 * {@code weight_decay}; per-parameter options ({@link ParamGroups}: {@code paramwise_options},
 * {@code no_decay_1d}, {@code no_decay_names}, {@code layer_decay}); {@code base_batch_size}: when set, the lr
 * used is {@code lr × effective batch / base_batch_size} (0 = no scaling).
 */
public record AdamWSettings(double lr, double beta1, double beta2, double eps, double weightDecay,
        ParamGroups groups, int baseBatchSize) {

    /** Plain AdamW: one weight decay for all parameters, no lr scaling. */
    public AdamWSettings(double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(lr, beta1, beta2, eps, weightDecay, ParamGroups.uniform(weightDecay), 0);
    }

    public static AdamWSettings fromConfig(ConfigNode n) {
        AdamKeys k = AdamKeys.read(n, 1e-8);
        return new AdamWSettings(k.lr(), k.beta1(), k.beta2(), k.eps(), k.weightDecay(), k.groups(),
                k.baseBatchSize());
    }

    /** The lr actually used: scaled by {@code effectiveBatchSize / base_batch_size} when that is set. */
    public double scaledLr(int effectiveBatchSize) {
        return BatchLrScaling.scale(lr, baseBatchSize, effectiveBatchSize);
    }
}
