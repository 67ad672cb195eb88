package org.easycv4j.core.optim;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code type = SGD}. */
public final class SgdFactory implements ComponentFactory<Sgd.Settings, Optimizer> {
    @Override
    public String description() {
        return "SGD with momentum, Nesterov and L2 weight decay";
    }

    @Override
    public Sgd.Settings settings(ConfigNode node) {
        return Sgd.Settings.fromConfig(node);
    }

    @Override
    public Optimizer create(Sgd.Settings settings, BuildContext context) {
        return new Sgd(settings);
    }
}
