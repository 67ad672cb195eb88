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
        double lr = n.number("lr");
        n.check(lr > 0, "lr", "expected a learning rate > 0, got " + lr);
        List<Double> betas = n.numbers("betas", List.of(0.9, 0.999));
        if (betas.size() != 2 || betas.stream().anyMatch(b -> b < 0 || b >= 1)) {
            n.problem("betas", "expected two numbers in [0, 1), got " + betas);
            betas = List.of(0.9, 0.999);
        }
        double eps = n.number("eps", 1e-8);
        n.check(eps > 0, "eps", "expected eps > 0, got " + eps);
        // PyTorch's AdamW default weight decay is 0.01; EasyCV's ViT-B/0.65 fine-tune config relies on it.
        double wd = n.number("weight_decay", 0.01);
        n.check(wd >= 0, "weight_decay", "expected weight_decay >= 0, got " + wd);
        ParamGroups groups = ParamGroups.fromConfig(n, lr, wd);
        int base = BatchLrScaling.baseBatchSize(n);
        return new AdamWSettings(lr, betas.get(0), betas.get(1), eps, wd, groups, base);
    }

    /** The lr actually used: scaled by {@code effectiveBatchSize / base_batch_size} when that is set. */
    public double scaledLr(int effectiveBatchSize) {
        return BatchLrScaling.scale(lr, baseBatchSize, effectiveBatchSize);
    }
}
