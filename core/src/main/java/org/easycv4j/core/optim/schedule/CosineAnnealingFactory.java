package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code lr_config.policy = CosineAnnealing}. */
public final class CosineAnnealingFactory implements ComponentFactory<CosineAnnealing, LrSchedule> {
    @Override
    public String description() {
        return "cosine decay to min_lr with linear, constant or exp warmup";
    }

    @Override
    public CosineAnnealing settings(ConfigNode node) {
        return CosineAnnealing.fromConfig(node);
    }

    @Override
    public LrSchedule create(CosineAnnealing settings, BuildContext context) {
        return settings;
    }
}
