package org.easycv4j.models.cls;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.io.WeightFiles;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code model.type = ViTClassifier}. */
public final class ViTClassifierFactory implements ComponentFactory<ViTClassifierSettings, TaskModel> {
    @Override
    public String description() {
        return "ViT classifier for fine-tuning (global pool + fc_norm or cls token, drop path, soft-target CE)";
    }

    @Override
    public ViTClassifierSettings settings(ConfigNode node) {
        ViTClassifierSettings s = ViTClassifierSettings.fromConfig(node);
        WeightFiles.checkExists(node, "pretrained", s.pretrained());
        return s;
    }

    @Override
    public TaskModel create(ViTClassifierSettings settings, BuildContext context) {
        return new ViTClassifier(settings);
    }
}
