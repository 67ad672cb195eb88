package org.easycv4j.models.vit;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import org.easycv4j.core.config.ConfigNode;

/**
 * The encoder's shape: an {@code arch} preset ({@code tiny, small, base, large, huge}) that explicit keys
 * override: {@code img_size, patch_size, in_chans, embed_dim, depth, num_heads, mlp_ratio, drop_path_rate};
 * and {@code fused_attn} (timm's name): attention through PyTorch's fused {@code scaled_dot_product_attention}
 * ({@code true}) or as explicit products and softmax ({@code false}); {@code auto} (default) fuses on GPUs,
 * where the flash and memory-efficient kernels pay, and not on CPUs, where it measured no faster. Both compute
 * the same function; the model's every softmax attention layer (MAE's decoder too) follows it.
 *
 * <p>EasyCV's options of its DeiT / DeiT III backbone, under its names: {@code use_layer_scale} (false) with
 * {@code init_scale} (1e-4), the initial per-channel gamma of both branches of every block;
 * {@code use_dpr_linspace} (true: drop path rises linearly from 0 in the first block to {@code drop_path_rate}
 * in the last; false: every block has {@code drop_path_rate}); {@code hydra_attention} (false) with
 * {@code hydra_attention_layers} (0..depth, default depth): the last that many blocks use hydra attention
 * ({@link Attention.Kind#HYDRA}), as EasyCV picks them.
 *
 * @param layerScale the initial gamma of layer scale, empty without it
 * @param hydraLayers how many of the last blocks use hydra attention (0: none)
 */
public record VitSettings(String arch, int imgSize, int patchSize, int inChans, int embedDim, int depth,
        int numHeads, double mlpRatio, double dropPathRate, FusedAttn fusedAttn, OptionalDouble layerScale,
        boolean dprLinspace, int hydraLayers) {

    /** EasyCV's default {@code init_scale}. */
    public static final double INIT_SCALE = 1e-4;

    /** The {@code fused_attn} setting. */
    public enum FusedAttn {
        AUTO, ON, OFF;

        /** Whether attention on {@code device} runs fused. */
        public boolean fuses(ai.djl.Device device) {
            return this == ON || this == AUTO && device.isGpu();
        }
    }

    /** Width, depth, heads and patch of a named ViT size. */
    public record Preset(int embedDim, int depth, int numHeads, int patchSize) {}

    public static final Map<String, Preset> PRESETS = Map.of(
            "tiny", new Preset(192, 12, 3, 16),
            "small", new Preset(384, 12, 6, 16),
            "base", new Preset(768, 12, 12, 16),
            "large", new Preset(1024, 24, 16, 16),
            "huge", new Preset(1280, 32, 16, 14));

    public int gridSize() {
        return imgSize / patchSize;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    /** The drop-path rate of block {@code i}: linear from 0 to {@code drop_path_rate}, or the same in every block. */
    public double dropPath(int i) {
        if (!dprLinspace) {
            return dropPathRate;
        }
        return depth == 1 ? 0 : dropPathRate * i / (depth - 1);
    }

    /** The attention of block {@code i}: hydra in the last {@code hydraLayers} blocks (EasyCV's choice). */
    public Attention.Kind attention(int i) {
        return i >= depth - hydraLayers ? Attention.Kind.HYDRA : Attention.Kind.SOFTMAX;
    }

    /** Reads the encoder keys of {@code n}; {@code dropPathDefault} is the model's default rate. */
    public static VitSettings fromConfig(ConfigNode n, double dropPathDefault) {
        Set<String> names = new TreeSet<>(PRESETS.keySet());
        String arch = n.choice("arch", "base", names);
        Preset p = PRESETS.get(arch);
        int img = n.integerAtLeast("img_size", 224, 1);
        int patch = n.integerAtLeast("patch_size", p.patchSize(), 1);
        int chans = n.integerAtLeast("in_chans", 3, 1);
        int dim = n.integerAtLeast("embed_dim", p.embedDim(), 4);
        int depth = n.integerAtLeast("depth", p.depth(), 1);
        int heads = n.integerAtLeast("num_heads", p.numHeads(), 1);
        double mlp = n.number("mlp_ratio", 4.0);
        n.check(mlp > 0, "mlp_ratio", "expected mlp_ratio > 0, got " + mlp);
        double dpr = n.numberIn("drop_path_rate", dropPathDefault, 0.0, 0.99);
        FusedAttn fused = fusedAttn(n);
        boolean layerScale = n.bool("use_layer_scale", false);
        n.check(layerScale || !n.has("init_scale"), "init_scale", "init_scale is the initial gamma of layer scale: "
                + "set use_layer_scale = true or remove it");
        double initScale = n.number("init_scale", INIT_SCALE);
        boolean linspace = n.bool("use_dpr_linspace", true);
        boolean hydra = n.bool("hydra_attention", false);
        n.check(hydra || !n.has("hydra_attention_layers"), "hydra_attention_layers", "hydra_attention_layers counts "
                + "the blocks with hydra attention: set hydra_attention = true or remove it");
        // Read either way, so that tools/list --keys shows the key and validation knows it.
        int layers = n.integerAtLeast("hydra_attention_layers", depth, 0);
        int hydraLayers = hydra ? layers : 0;
        n.check(layers <= depth, "hydra_attention_layers", "expected at most depth = " + depth + " blocks with "
                + "hydra attention, got " + layers);
        n.check(img % patch == 0, "img_size", "img_size " + img + " is not a multiple of patch_size " + patch);
        n.check(dim % heads == 0, "num_heads", "embed_dim " + dim + " is not divisible by num_heads " + heads);
        n.check(dim % 4 == 0, "embed_dim", "the 2-D sin-cos position embedding needs embed_dim divisible by 4, got "
                + dim);
        return new VitSettings(arch, img, patch, chans, dim, depth, heads, mlp, dpr, fused,
                layerScale ? OptionalDouble.of(initScale) : OptionalDouble.empty(), linspace, hydraLayers);
    }

    /** {@code fused_attn}: true, false or auto (default). */
    private static FusedAttn fusedAttn(ConfigNode n) {
        if (!n.has("fused_attn")) {
            return FusedAttn.AUTO;
        }
        if (!n.isString("fused_attn")) {
            return n.bool("fused_attn") ? FusedAttn.ON : FusedAttn.OFF;
        }
        return switch (n.choice("fused_attn", "auto", List.of("auto", "true", "false"))) {
            case "true" -> FusedAttn.ON;
            case "false" -> FusedAttn.OFF;
            default -> FusedAttn.AUTO;
        };
    }
}
