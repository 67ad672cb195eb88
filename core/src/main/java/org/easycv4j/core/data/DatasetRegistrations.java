package org.easycv4j.core.data;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Declares the dataset kind; the data module registers the datasets. */
public final class DatasetRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), Dataset.KIND);
    }
}
