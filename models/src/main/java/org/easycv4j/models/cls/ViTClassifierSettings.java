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
 *
 * <p>Partial fine-tuning and linear probing: {@code frozen_stages} (mmpretrain's name, in the backbone; -1 = none)
 * K &ge; 1 freezes {@code cls_token}, {@code pos_embed}, {@code patch_embed} and blocks 0..K-1 (no gradient, no
 * optimizer state, no drop path); K = depth freezes the whole encoder including {@code norm} / {@code fc_norm},
 * which is linear probing. {@code head_bn = true} puts the MAE repository's linear-probe BatchNorm (no affine
 * parameters, eps 1e-6) before the head; {@code head_init_std} is the head's truncated-normal std (2e-5 for
 * fine-tuning as the MAE repository, 0.01 for its linear probe).
 *
 * <p>{@code loss_config}: EasyCV's {@code ClsHead} loss ({@link ClassifierLoss}); softmax cross-entropy when unset.
 */
public record ViTClassifierSettings(VitSettings encoder, int numClasses, boolean globalPool, double labelSmoothing,
        Optional<Path> pretrained, int frozenStages, boolean headBn, double headInitStd, ClassifierLoss loss) {

    /** The MAE repository's fine-tuning head init; its linear probe uses 0.01. */
    public static final double FINETUNE_HEAD_STD = 2e-5;

    public static ViTClassifierSettings fromConfig(ConfigNode n) {
        ConfigNode enc = n.optObject("backbone").orElse(n);
        if (enc != n) {
            enc.choice("type", "VisionTransformer", List.of("VisionTransformer"));
        }
        VitSettings vit = VitSettings.fromConfig(enc, 0.1);
        boolean pool = enc.bool("use_global_pool", true);
        int frozen = enc.integerAtLeast("frozen_stages", -1, -1);
        enc.check(frozen <= vit.depth(), "frozen_stages", "expected -1 (nothing frozen) up to depth = " + vit.depth()
                + " (the whole encoder), got " + frozen);
        if (enc != n) {
            enc.finish();
        }
        int classes = n.integerAtLeast("num_classes", 1000, 1);
        double smoothing = n.numberIn("label_smoothing", 0.0, 0.0, 0.99);
        Optional<Path> pretrained = n.path("pretrained");
        boolean headBn = n.bool("head_bn", false);
        double headStd = n.number("head_init_std", FINETUNE_HEAD_STD);
        n.check(headStd > 0, "head_init_std", "expected a standard deviation > 0, got " + headStd);
        ClassifierLoss loss = n.optObject("loss_config").map(c -> c.parse(ClassifierLoss::fromConfig))
                .orElse(ClassifierLoss.SOFTMAX);
        return new ViTClassifierSettings(vit, classes, pool, smoothing, pretrained, frozen, headBn, headStd, loss);
    }
}
