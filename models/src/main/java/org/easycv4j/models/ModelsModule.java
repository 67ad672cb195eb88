package org.easycv4j.models;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;

/** Registers the models of this module: {@code MAE} and {@code ViTClassifier}. */
public final class ModelsModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), CoreKinds.MODEL)
                .add(ComponentType.of("MAE",
                        "Masked Autoencoder pretraining (ViT encoder, light decoder, norm-pix MSE on removed patches)",
                        MaeSettings::fromRunConfig, (s, ctx) -> new MaeModel(s)))
                .add(ComponentType.of("ViTClassifier",
                        "ViT classifier for fine-tuning (global pool + fc_norm or cls token, drop path, soft-target CE)",
                        ViTClassifierSettings::fromRunConfig, (s, ctx) -> new ViTClassifier(s)));
    }
}
