package org.easycv4j.core.optim.schedule;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code lr_config.policy = Step}. */
public final class StepLrFactory implements ComponentFactory<StepLr, LrSchedule> {
    @Override
    public String description() {
        return "multiplies the lr by gamma at listed epochs";
    }

    @Override
    public StepLr settings(ConfigNode node) {
        return StepLr.fromConfig(node);
    }

    @Override
    public LrSchedule create(StepLr settings, BuildContext context) {
        return settings;
    }
}
