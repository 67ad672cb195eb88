package org.easycv4j.models.mae;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.models.vit.VitSettings;

/**
 * {@code type = MAE}. Encoder keys ({@link VitSettings}) at the top level or, EasyCV-style, in a
 * {@code backbone} object; decoder keys {@code decoder_embed_dim} (512), {@code decoder_depth} (8),
 * {@code decoder_num_heads} (16) at the top level or in a {@code neck} object; {@code mask_ratio} (0.75),
 * {@code norm_pix_loss} (true); {@code pretrained}: weights to start from (an MAE checkpoint with or without
 * its decoder, e.g. the MAE repository's {@code *_full.pth}; safetensors, {@code .pth} or a checkpoint folder).
 */
public record MaeSettings(VitSettings encoder, int decoderEmbedDim, int decoderDepth, int decoderNumHeads,
        double maskRatio, boolean normPixLoss, Optional<Path> pretrained) {

    public static MaeSettings fromConfig(ConfigNode n) {
        ConfigNode enc = n.optObject("backbone").orElse(n);
        if (enc != n) {
            enc.choice("type", "MaskedAutoencoderViT", List.of("MaskedAutoencoderViT"));
        }
        VitSettings vit = VitSettings.fromConfig(enc, 0.0);
        enc.check(vit.dropPathRate() == 0, "drop_path_rate", "the MAE encoder uses no drop path during pretraining");
        if (enc != n) {
            enc.finish();
        }
        ConfigNode dec = n.optObject("neck").orElse(n);
        if (dec != n) {
            dec.choice("type", "MAENeck", List.of("MAENeck"));
            // EasyCV repeats the encoder's shape in the neck; accept it when it agrees.
            dec.check(dec.integer("embed_dim", vit.embedDim()) == vit.embedDim(), "embed_dim",
                    "must equal the backbone's embed_dim " + vit.embedDim());
            dec.check(dec.integer("patch_size", vit.patchSize()) == vit.patchSize(), "patch_size",
                    "must equal the backbone's patch_size " + vit.patchSize());
            dec.check(dec.integer("in_chans", vit.inChans()) == vit.inChans(), "in_chans",
                    "must equal the backbone's in_chans " + vit.inChans());
            dec.check(dec.number("mlp_ratio", vit.mlpRatio()) == vit.mlpRatio(), "mlp_ratio",
                    "must equal the backbone's mlp_ratio " + vit.mlpRatio());
        }
        int dDim = dec.integerAtLeast("decoder_embed_dim", 512, 4);
        int dDepth = dec.integerAtLeast("decoder_depth", 8, 1);
        int dHeads = dec.integerAtLeast("decoder_num_heads", 16, 1);
        dec.check(dDim % dHeads == 0, "decoder_num_heads",
                "decoder_embed_dim " + dDim + " is not divisible by decoder_num_heads " + dHeads);
        dec.check(dDim % 4 == 0, "decoder_embed_dim", "the sin-cos embedding needs a width divisible by 4");
        if (dec != n) {
            dec.finish();
        }
        double ratio = n.numberIn("mask_ratio", 0.75, 0.0, 0.99);
        int keep = (int) (vit.numPatches() * (1 - ratio));
        n.check(keep >= 1, "mask_ratio", "mask_ratio " + ratio + " keeps no patch of " + vit.numPatches());
        boolean normPix = n.bool("norm_pix_loss", true);
        Optional<Path> pretrained = n.path("pretrained");
        return new MaeSettings(vit, dDim, dDepth, dHeads, ratio, normPix, pretrained);
    }

    /** Patches kept visible per image: int(L · (1 − mask_ratio)), as the reference computes it. */
    public int keptPatches() {
        return (int) (encoder.numPatches() * (1 - maskRatio));
    }
}
