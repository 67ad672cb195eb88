package org.easycv4j.core.registry;

import com.google.inject.AbstractModule;
import org.easycv4j.core.eval.ClsEvaluatorFactory;
import org.easycv4j.core.eval.KnnEvaluatorFactory;
import org.easycv4j.core.optim.AdamWFactory;
import org.easycv4j.core.optim.LarsFactory;
import org.easycv4j.core.optim.SgdFactory;
import org.easycv4j.core.optim.schedule.CosineAnnealingFactory;
import org.easycv4j.core.optim.schedule.CosineAnnealingWarmupByEpochFactory;
import org.easycv4j.core.optim.schedule.FixedLrFactory;
import org.easycv4j.core.optim.schedule.PolyLrFactory;
import org.easycv4j.core.optim.schedule.StepLrFactory;
import org.easycv4j.core.runner.hooks.EmaHookFactory;
import org.easycv4j.core.runner.hooks.KnnEvalHookFactory;
import org.easycv4j.core.runner.hooks.TextLoggerHookFactory;

/** Declares the runner's kinds and registers the components core ships (optimizers, schedules, evaluators). */
public final class CoreModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), CoreKinds.DATASET);
        Registrations.declare(binder(), CoreKinds.MODEL);
        Registrations.declare(binder(), CoreKinds.OPTIMIZER)
                .add("AdamW", AdamWFactory.class)
                .add("SGD", SgdFactory.class)
                .add("LARS", LarsFactory.class);
        Registrations.declare(binder(), CoreKinds.LR_SCHEDULE)
                .add("Fixed", FixedLrFactory.class)
                .add("Step", StepLrFactory.class)
                .add("Poly", PolyLrFactory.class)
                .add("CosineAnnealing", CosineAnnealingFactory.class)
                .add("CosineAnnealingWarmupByEpoch", CosineAnnealingWarmupByEpochFactory.class);
        Registrations.declare(binder(), CoreKinds.HOOK)
                .add("TextLoggerHook", TextLoggerHookFactory.class)
                .add("EMAHook", EmaHookFactory.class)
                .add("KNNEvalHook", KnnEvalHookFactory.class);
        Registrations.declare(binder(), CoreKinds.EVALUATOR)
                .add("ClsEvaluator", ClsEvaluatorFactory.class)
                .add("KNNEvaluator", KnnEvaluatorFactory.class);
    }
}
