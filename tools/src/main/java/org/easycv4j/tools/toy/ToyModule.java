package org.easycv4j.tools.toy;

import com.google.inject.AbstractModule;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Registers the smoke-test model {@code ToyMLP} and the generated dataset {@code SyntheticClassification}. */
public final class ToyModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), TaskModel.KIND)
                .add(ComponentType.of("ToyMLP", "two-layer perceptron classifier for smoke tests",
                        ToyMlpSettings::fromConfig, (s, ctx) -> new ToyMlp(s)));
        Registrations.of(binder(), Dataset.KIND)
                .add(ComponentType.of("SyntheticClassification", "generated class patterns plus noise, no files needed",
                        SyntheticSettings::fromConfig, (s, ctx) -> new SyntheticClassification(s)));
    }
}
