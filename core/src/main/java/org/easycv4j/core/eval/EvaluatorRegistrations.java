package org.easycv4j.core.eval;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Declares the evaluator kind and registers the evaluators core ships. */
public final class EvaluatorRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), Evaluator.KIND)
                .add(ComponentType.of("ClsEvaluator", "top-k classification accuracy in percent",
                        ClsEvaluator.Settings::fromConfig, (s, ctx) -> s.create()))
                .add(ComponentType.of("KNNEvaluator",
                        "weighted kNN accuracy (percent) of frozen features against a labelled bank (DINO's kNN "
                                + "probe)",
                        KnnEvaluator.Settings::fromConfig, (s, ctx) -> new KnnEvaluator(s.vote(),
                                s.bank().create(ctx))));
    }
}
