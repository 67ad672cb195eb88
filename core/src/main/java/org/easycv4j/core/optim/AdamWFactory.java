package org.easycv4j.core.optim;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code type = AdamW}. */
public final class AdamWFactory implements ComponentFactory<AdamWSettings, Optimizer> {
    @Override
    public String description() {
        return "AdamW with decoupled weight decay (PyTorch semantics), paramwise options and layer-wise lr decay";
    }

    @Override
    public AdamWSettings settings(ConfigNode node) {
        return AdamWSettings.fromConfig(node);
    }

    @Override
    public Optimizer create(AdamWSettings settings, BuildContext context) {
        return new AdamW(settings, settings.scaledLr(context.effectiveBatchSize()));
    }
}
