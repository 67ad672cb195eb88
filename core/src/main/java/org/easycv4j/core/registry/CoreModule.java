package org.easycv4j.core.registry;

import com.google.inject.AbstractModule;
import org.easycv4j.core.dist.Launchers;
import org.easycv4j.core.eval.ClsEvaluator;
import org.easycv4j.core.eval.KnnEvaluator;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.Lars;
import org.easycv4j.core.optim.Sgd;
import org.easycv4j.core.optim.schedule.CosineAnnealing;
import org.easycv4j.core.optim.schedule.CosineAnnealingWarmupByEpoch;
import org.easycv4j.core.optim.schedule.FixedLr;
import org.easycv4j.core.optim.schedule.PolyLr;
import org.easycv4j.core.optim.schedule.StepLr;
import org.easycv4j.core.runner.hooks.EmaHook;
import org.easycv4j.core.runner.hooks.KnnEvalHook;
import org.easycv4j.core.runner.hooks.TensorboardLoggerHook;
import org.easycv4j.core.runner.hooks.TextLoggerHook;

/** Declares the runner's kinds and registers the components core ships (optimizers, schedules, evaluators). */
public final class CoreModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), CoreKinds.DATASET);
        Registrations.declare(binder(), CoreKinds.MODEL);
        Registrations.declare(binder(), CoreKinds.OPTIMIZER)
                .add(ComponentType.of("AdamW",
                        "AdamW with decoupled weight decay (PyTorch semantics), paramwise options and layer-wise lr "
                                + "decay",
                        AdamWSettings::fromConfig, (s, ctx) -> new AdamW(s, s.scaledLr(ctx.effectiveBatchSize()))))
                .add(ComponentType.of("SGD", "SGD with momentum, Nesterov and L2 weight decay",
                        Sgd.Settings::fromConfig, (s, ctx) -> new Sgd(s)))
                .add(ComponentType.of("LARS",
                        "LARS of the MAE linear probe: momentum, trust-ratio scaling and decay for parameters of 2+ "
                                + "dimensions",
                        Lars.Settings::fromConfig, (s, ctx) -> new Lars(s, s.scaledLr(ctx.effectiveBatchSize()))));
        // An lr policy's settings record is the schedule itself.
        Registrations.declare(binder(), CoreKinds.LR_SCHEDULE)
                .add(ComponentType.of("Fixed", "the base lr, optionally warmed up",
                        FixedLr::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("Step", "multiplies the lr by gamma at listed epochs",
                        StepLr::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("Poly", "decays the lr polynomially to min_lr over the run",
                        PolyLr::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("CosineAnnealing", "cosine decay to min_lr with linear, constant or exp warmup",
                        CosineAnnealing::fromConfig, (s, ctx) -> s))
                .add(ComponentType.of("CosineAnnealingWarmupByEpoch",
                        "EasyCV's cosine decay whose warmup lr changes once per epoch",
                        CosineAnnealingWarmupByEpoch::fromConfig, (s, ctx) -> s));
        Registrations.declare(binder(), CoreKinds.HOOK)
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
        Registrations.declare(binder(), CoreKinds.LAUNCHER)
                .add(Launchers.NONE)
                .add(Launchers.MPI);
        Registrations.declare(binder(), CoreKinds.EVALUATOR)
                .add(ComponentType.of("ClsEvaluator", "top-k classification accuracy in percent",
                        ClsEvaluator.Settings::fromConfig, (s, ctx) -> s.create()))
                .add(ComponentType.of("KNNEvaluator",
                        "weighted kNN accuracy (percent) of frozen features against a labelled bank (DINO's kNN "
                                + "probe)",
                        KnnEvaluator.Settings::fromConfig, (s, ctx) -> new KnnEvaluator(s.vote(),
                                s.bank().create(ctx))));
    }
}
