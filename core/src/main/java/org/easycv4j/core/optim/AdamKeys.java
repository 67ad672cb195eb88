package org.easycv4j.core.optim;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * The keys Adam-family optimizers share, read once: {@code lr} (required), {@code betas = [0.9, 0.999]}, {@code eps},
 * {@code weight_decay = 0.01} (PyTorch's AdamW default, which EasyCV's ViT-B/0.65 fine-tune config relies on), the
 * per-parameter options ({@link ParamGroups}) and {@code base_batch_size}.
 */
record AdamKeys(double lr, double beta1, double beta2, double eps, double weightDecay, ParamGroups groups,
        int baseBatchSize) {

    /** @param defaultEps the optimizer's own default (AdamW 1e-8, Lamb 1e-6) */
    static AdamKeys read(ConfigNode n, double defaultEps) {
        double lr = n.number("lr");
        n.check(lr > 0, "lr", "expected a learning rate > 0, got " + lr);
        List<Double> betas = n.numbers("betas", List.of(0.9, 0.999));
        if (betas.size() != 2 || betas.stream().anyMatch(b -> b < 0 || b >= 1)) {
            n.problem("betas", "expected two numbers in [0, 1), got " + betas);
            betas = List.of(0.9, 0.999);
        }
        double eps = n.number("eps", defaultEps);
        n.check(eps > 0, "eps", "expected eps > 0, got " + eps);
        double wd = n.number("weight_decay", 0.01);
        n.check(wd >= 0, "weight_decay", "expected weight_decay >= 0, got " + wd);
        ParamGroups groups = ParamGroups.fromConfig(n, lr, wd);
        return new AdamKeys(lr, betas.get(0), betas.get(1), eps, wd, groups, BatchLrScaling.baseBatchSize(n));
    }
}
