package com.example.easycv4j;

import com.google.inject.AbstractModule;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** The one Guice module of this jar, listed in META-INF/services so that EasyCV4J finds it. */
public final class ExampleModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        // model.type = TinyConvNet: the settings record read from the config node, then the model built from it.
        Registrations.of(binder(), TaskModel.KIND)
                .add(ComponentType.of("TinyConvNet", "example: a small convolutional classifier from a user's jar",
                        TinyConvNetSettings::fromConfig, (s, ctx) -> new TinyConvNet(s)));
    }
}
