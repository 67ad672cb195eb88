package org.easycv4j.tools.toy;

import com.google.inject.AbstractModule;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Registers the smoke-test model {@code ToyMLP} and the generated dataset {@code SyntheticClassification}. */
public final class ToyModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), CoreKinds.MODEL).add("ToyMLP", MlpFactory.class);
        Registrations.of(binder(), CoreKinds.DATASET).add("SyntheticClassification", SyntheticFactory.class);
    }

    /** {@code model.type = ToyMLP}. */
    public static final class MlpFactory implements ComponentFactory<ToyMlpSettings, TaskModel> {
        @Override
        public String description() {
            return "two-layer perceptron classifier for smoke tests";
        }

        @Override
        public ToyMlpSettings settings(ConfigNode node) {
            return ToyMlpSettings.fromConfig(node);
        }

        @Override
        public TaskModel create(ToyMlpSettings settings, BuildContext context) {
            return new ToyMlp(settings);
        }
    }

    /** {@code type = SyntheticClassification}. */
    public static final class SyntheticFactory implements ComponentFactory<SyntheticSettings, Dataset> {
        @Override
        public String description() {
            return "generated class patterns plus noise, no files needed";
        }

        @Override
        public SyntheticSettings settings(ConfigNode node) {
            return SyntheticSettings.fromConfig(node);
        }

        @Override
        public Dataset create(SyntheticSettings settings, BuildContext context) {
            return new SyntheticClassification(settings);
        }
    }
}
