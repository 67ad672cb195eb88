package org.easycv4j.core.model;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Declares the model kind; the models module registers the models. */
public final class ModelRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), TaskModel.KIND);
    }
}
