package org.easycv4j.data;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.PluginModule;

/** Registers the data sources, transforms and datasets of this module. */
public final class DataModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
    }
}
