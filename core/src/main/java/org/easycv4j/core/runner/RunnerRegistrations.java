package org.easycv4j.core.runner;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/**
 * Declares the train-loop, val-loop and hook kinds and registers the runner's own parts: its loops and its default
 * hooks.
 */
public final class RunnerRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), TrainLoop.KIND)
                .add(ComponentType.of("EpochBasedTrainLoop",
                        "total_epochs epochs over the training set, validation every eval_config.interval epochs",
                        n -> n, (s, ctx) -> new EpochBasedTrainLoop()));
        Registrations.declare(binder(), ValLoop.KIND)
                .add(ComponentType.of("ValLoop",
                        "one pass without gradients over a validation set, feeding its evaluators",
                        n -> n, (s, ctx) -> new DefaultValLoop()));
        Registrations.declare(binder(), Hook.KIND)
                .add(ComponentType.of("CheckpointHook",
                        "saves epoch_N every checkpoint_config.interval epochs, the best by eval_config.save_best, "
                                + "and a stopped run's resume point (default_hooks.checkpoint)",
                        n -> n, (s, ctx) -> new CheckpointHook()))
                .add(ComponentType.of("ProgressHook",
                        "a progress bar on a terminal, else a line every period_seconds (default_hooks.progress)",
                        ProgressHook.Settings::fromConfig, (s, ctx) -> new ProgressHook(null, s.periodSeconds())));
    }
}
