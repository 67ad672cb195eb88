package org.easycv4j.models.cls;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.models.vit.VitSettings;

/**
 * {@code type = ViTClassifier}: encoder keys ({@link VitSettings}; {@code drop_path_rate} defaults to 0.1) at
 * the top level or in a {@code backbone} object; {@code num_classes}; {@code use_global_pool} (true: mean of
 * the patch tokens + {@code fc_norm}; false: the cls token after {@code norm}); {@code label_smoothing} for
 * hard labels (0); {@code pretrained}: an MAE (or ViT) checkpoint whose encoder is loaded: safetensors or
 * PyTorch {@code .pth}, timm / MAE-repository or Hugging Face names, or a checkpoint / export folder.
 */
public record ViTClassifierSettings(VitSettings encoder, int numClasses, boolean globalPool, double labelSmoothing,
        Optional<Path> pretrained) {

    public static ViTClassifierSettings fromConfig(ConfigNode n) {
        ConfigNode enc = n.optObject("backbone").orElse(n);
        if (enc != n) {
            enc.choice("type", "VisionTransformer", List.of("VisionTransformer"));
        }
        VitSettings vit = VitSettings.fromConfig(enc, 0.1);
        boolean pool = enc.bool("use_global_pool", true);
        if (enc != n) {
            enc.finish();
        }
        int classes = n.integerAtLeast("num_classes", 1000, 1);
        double smoothing = n.numberIn("label_smoothing", 0.0, 0.0, 0.99);
        Optional<Path> pretrained = n.path("pretrained");
        return new ViTClassifierSettings(vit, classes, pool, smoothing, pretrained);
    }
}
