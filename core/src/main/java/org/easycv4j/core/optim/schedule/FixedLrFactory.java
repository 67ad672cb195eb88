package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code lr_config.policy = Fixed}. */
public final class FixedLrFactory implements ComponentFactory<FixedLr, LrSchedule> {
    @Override
    public String description() {
        return "the base lr, optionally warmed up";
    }

    @Override
    public FixedLr settings(ConfigNode node) {
        return FixedLr.fromConfig(node);
    }

    @Override
    public LrSchedule create(FixedLr settings, BuildContext context) {
        return settings;
    }
}
