package com.example.easycv4j;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** The one Guice module of this jar, listed in META-INF/services so that EasyCV4J finds it. */
public final class ExampleModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), CoreKinds.MODEL).add("TinyConvNet", TinyConvNetFactory.class);
    }
}
