package org.easycv4j.models;

import com.google.inject.AbstractModule;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.io.WeightFiles;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.ComponentType;
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
        Registrations.of(binder(), TaskModel.KIND)
                .add(ComponentType.of("MAE",
                        "Masked Autoencoder pretraining (ViT encoder, light decoder, norm-pix MSE on removed patches)",
                        checkingPretrained(MaeSettings::fromConfig, MaeSettings::pretrained),
                        (s, ctx) -> new MaeModel(s)))
                .add(ComponentType.of("ViTClassifier",
                        "ViT classifier for fine-tuning (global pool + fc_norm or cls token, drop path, soft-target CE)",
                        checkingPretrained(ViTClassifierSettings::fromConfig, ViTClassifierSettings::pretrained),
                        (s, ctx) -> new ViTClassifier(s)));
    }

    /**
     * {@code reader}, and a {@code pretrained} file that does not exist is a problem of the config, found before
     * anything is built. Only in the registered reader: code that writes the weights after reading the settings
     * (tests, tools) calls {@code fromConfig} itself.
     */
    static <S> Function<ConfigNode, S> checkingPretrained(Function<ConfigNode, S> reader,
            Function<S, Optional<Path>> pretrained) {
        return node -> {
            S s = reader.apply(node);
            WeightFiles.checkExists(node, "pretrained", pretrained.apply(s));
            return s;
        };
    }
}
