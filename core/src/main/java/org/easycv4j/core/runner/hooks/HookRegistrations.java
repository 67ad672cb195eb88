package org.easycv4j.core.runner.hooks;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.core.runner.Hook;

/** Registers the logging, EMA and monitoring hooks core ships (the runner declares the kind). */
public final class HookRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), Hook.KIND)
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
