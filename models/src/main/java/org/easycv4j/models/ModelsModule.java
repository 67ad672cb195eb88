package org.easycv4j.models;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.models.cls.ViTClassifierFactory;
import org.easycv4j.models.mae.MaeFactory;

/** Registers the models of this module: {@code MAE} and {@code ViTClassifier}. */
public final class ModelsModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), CoreKinds.MODEL)
                .add("MAE", MaeFactory.class)
                .add("ViTClassifier", ViTClassifierFactory.class);
    }
}
