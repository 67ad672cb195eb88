package org.easycv4j.core.optim;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Declares the optimizer and lr schedule kinds and registers the optimizers core ships. */
public final class OptimizerRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), Optimizer.KIND)
                .add(ComponentType.of("AdamW",
                        "AdamW with decoupled weight decay (PyTorch semantics), paramwise options and layer-wise lr "
                                + "decay",
                        AdamWSettings::fromConfig, (s, ctx) -> new AdamW(s, s.scaledLr(ctx.effectiveBatchSize()))))
                .add(ComponentType.of("SGD", "SGD with momentum, Nesterov and L2 weight decay",
                        Sgd.Settings::fromConfig, (s, ctx) -> new Sgd(s)))
                .add(ComponentType.of("LARS",
                        "LARS of the MAE linear probe: momentum, trust-ratio scaling and decay for parameters of 2+ "
                                + "dimensions",
                        Lars.Settings::fromConfig, (s, ctx) -> new Lars(s, s.scaledLr(ctx.effectiveBatchSize()))))
                .add(ComponentType.of("Lamb",
                        "LAMB (EasyCV's / timm's, the DeiT III recipe): Adam moments, global grad-norm clipping and a "
                                + "trust ratio on decayed parameters, paramwise options and layer-wise lr decay",
                        Lamb.Settings::fromConfig, (s, ctx) -> new Lamb(s, s.scaledLr(ctx.effectiveBatchSize()))));
        Registrations.declare(binder(), LrSchedule.KIND);
        Registrations.declare(binder(), ParamSchedule.KIND);
    }
}
