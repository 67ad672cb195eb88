package org.easycv4j.models;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.PluginModule;

/** Registers the models of this module. */
public final class ModelsModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
    }
}
