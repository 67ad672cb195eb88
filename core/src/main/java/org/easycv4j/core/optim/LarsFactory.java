package org.easycv4j.core.optim;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code type = LARS}. */
public final class LarsFactory implements ComponentFactory<Lars.Settings, Optimizer> {
    @Override
    public String description() {
        return "LARS of the MAE linear probe: momentum, trust-ratio scaling and decay for parameters of 2+ dimensions";
    }

    @Override
    public Lars.Settings settings(ConfigNode node) {
        return Lars.Settings.fromConfig(node);
    }

    @Override
    public Optimizer create(Lars.Settings settings, BuildContext context) {
        return new Lars(settings, settings.scaledLr(context.effectiveBatchSize()));
    }
}
