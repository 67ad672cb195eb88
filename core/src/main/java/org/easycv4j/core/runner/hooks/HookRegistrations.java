package org.easycv4j.core.runner.hooks;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.core.runner.CheckpointHook;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.ProgressHook;

/** Declares the hook kind and registers the hooks core ships. */
public final class HookRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), Hook.KIND)
                .add(ComponentType.of("CheckpointHook",
                        "saves epoch_N every checkpoint_config.interval epochs, the best by eval_config.save_best, "
                                + "and a stopped run's resume point (default_hooks.checkpoint)",
                        n -> n, (s, ctx) -> new CheckpointHook()))
                .add(ComponentType.of("ProgressHook",
                        "a progress bar on a terminal, else a line every period_seconds (default_hooks.progress)",
                        ProgressHook.Settings::fromConfig, (s, ctx) -> new ProgressHook(null, s.periodSeconds())))
                .add(ComponentType.of("TextLoggerHook",
                        "logs lr, loss, timings, memory and ETA to the console, train.log and metrics.jsonl",
                        TextLoggerHook.Settings::fromConfig, (s, ctx) -> new TextLoggerHook(s.interval())))
                .add(ComponentType.of("TensorboardLoggerHook",
                        "writes the text logger's values as TensorBoard scalars, the resolved config as text and a "
                                + "model's figure (MAE's reconstructions) as an image to WORK_DIR/tf_logs",
                        TensorboardLoggerHook.Settings::fromConfig, (s, ctx) -> new TensorboardLoggerHook(s.logDir(),
                                s.interval(), s.imageInterval(), s.numImages())))
                .add(ComponentType.of("EMAHook",
                        "exponential moving average of the weights (EasyCV's EMAHook), evaluated and saved as "
                                + "ema.safetensors",
                        EmaHook.Settings::fromConfig, (s, ctx) -> new EmaHook(s.decay(), s.warmupIters(),
                                s.evaluate())))
                .add(ComponentType.of("KNNEvalHook",
                        "kNN monitor: weighted kNN accuracy of frozen features every interval epochs (knn_top1, "
                                + "knn_top5)",
                        KnnEvalHook.Settings::fromConfig, KnnEvalHook::create));
    }
}
