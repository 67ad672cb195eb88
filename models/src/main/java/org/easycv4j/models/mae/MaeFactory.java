package org.easycv4j.models.mae;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.io.WeightFiles;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code model.type = MAE}. */
public final class MaeFactory implements ComponentFactory<MaeSettings, TaskModel> {
    @Override
    public String description() {
        return "Masked Autoencoder pretraining (ViT encoder, light decoder, norm-pix MSE on removed patches)";
    }

    @Override
    public MaeSettings settings(ConfigNode node) {
        MaeSettings s = MaeSettings.fromConfig(node);
        WeightFiles.checkExists(node, "pretrained", s.pretrained());
        return s;
    }

    @Override
    public TaskModel create(MaeSettings settings, BuildContext context) {
        return new MaeModel(settings);
    }
}
