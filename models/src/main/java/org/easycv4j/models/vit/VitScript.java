package org.easycv4j.models.vit;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.easycv4j.core.model.ScriptModule;
import org.easycv4j.core.model.NamedParameter;

/**
 * Writes the TorchScript source of a ViT from its settings, for {@code tools/export --format torchscript}: the
 * same computation as {@link VitEncoder}'s blocks in inference (patch embedding, cls token, position embedding,
 * pre-norm blocks with fused qkv, LayerNorm eps 1e-6, exact GELU), in TorchScript's serialized-code dialect with
 * the weights as tensor attributes named by {@link ScriptModule#attributeName}. Only operators that PyTorch 1.x
 * and 2.x both have are used.
 */
public final class VitScript {
    /** What the module returns after the blocks. */
    public enum Output {
        /** Logits: global average pooling of the patch tokens, {@code fc_norm}, {@code head}. */
        LOGITS_GLOBAL_POOL,
        /** Logits: the cls token after {@code norm}, {@code head}. */
        LOGITS_CLS_TOKEN,
        /** As {@link #LOGITS_GLOBAL_POOL} with the linear-probe head ({@link #probeHead}). */
        PROBE_LOGITS_GLOBAL_POOL,
        /** As {@link #LOGITS_CLS_TOKEN} with the linear-probe head ({@link #probeHead}). */
        PROBE_LOGITS_CLS_TOKEN,
        /** Features: every token (cls first) after {@code norm}, (N, 1 + L, D). */
        TOKENS
    }

    private VitScript() {}

    /** The output of a classifier: pooling by {@code globalPool}, a linear head or the linear-probe head. */
    public static Output logits(boolean globalPool, boolean probeHead) {
        if (probeHead) {
            return globalPool ? Output.PROBE_LOGITS_GLOBAL_POOL : Output.PROBE_LOGITS_CLS_TOKEN;
        }
        return globalPool ? Output.LOGITS_GLOBAL_POOL : Output.LOGITS_CLS_TOKEN;
    }

    /**
     * The linear-probe head's eval-mode computation, {@code BatchNorm1d(affine=False)} with the running statistics
     * {@code head.0.*} then {@code Linear} {@code head.1.*}: {@code F.batch_norm} with {@code training=False}
     * ignores momentum and never updates the statistics, so the module stays a pure function.
     */
    private static String probeHead(String feature, double eps) {
        // aten's order: input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled.
        return "    f2 = torch.batch_norm(" + feature + ", None, None, self.head_0_running_mean, "
                + "self.head_0_running_var, False, 0., " + String.format(Locale.ROOT, "%.17g", eps) + ", False)\n"
                + "    return torch.linear(f2, self.head_1_weight, self.head_1_bias)\n";
    }

    /**
     * Refuses parameters the generated source would not use (a head of another kind, an extra layer): the
     * script would compute something else than the model.
     */
    private static void checkCovered(VitSettings vit, Output output, List<NamedParameter> parameters) {
        Set<String> used = new HashSet<>(List.of("cls_token", "pos_embed",
                "patch_embed.proj.weight", "patch_embed.proj.bias"));
        for (int i = 0; i < vit.depth(); i++) {
            for (String w : List.of("norm1", "attn.qkv", "attn.proj", "norm2", "mlp.fc1", "mlp.fc2")) {
                used.add("blocks." + i + "." + w + ".weight");
                used.add("blocks." + i + "." + w + ".bias");
            }
        }
        List<String> tail = switch (output) {
            case LOGITS_GLOBAL_POOL -> List.of("fc_norm", "head");
            case LOGITS_CLS_TOKEN -> List.of("norm", "head");
            case PROBE_LOGITS_GLOBAL_POOL -> List.of("fc_norm", "head.1");
            case PROBE_LOGITS_CLS_TOKEN -> List.of("norm", "head.1");
            case TOKENS -> List.of("norm");
        };
        tail.forEach(t -> {
            used.add(t + ".weight");
            used.add(t + ".bias");
        });
        if (output == Output.PROBE_LOGITS_GLOBAL_POOL || output == Output.PROBE_LOGITS_CLS_TOKEN) {
            used.add("head.0.running_mean");
            used.add("head.0.running_var");
        }
        List<String> names = parameters.stream().map(NamedParameter::name).toList();
        List<String> extra = names.stream().filter(n -> !used.contains(n)).toList();
        List<String> missing = used.stream().filter(n -> !names.contains(n)).sorted().toList();
        if (!extra.isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException("cannot write this model as TorchScript: the generated ViT source "
                    + "does not use " + extra + " and needs " + missing);
        }
    }

    /** The module for {@code vit}'s weights in {@code parameters} (timm names), returning {@code output}. */
    public static ScriptModule module(String className, VitSettings vit, Output output, List<NamedParameter> parameters) {
        if (output == Output.PROBE_LOGITS_GLOBAL_POOL || output == Output.PROBE_LOGITS_CLS_TOKEN) {
            throw new IllegalArgumentException(output + " needs the probe BatchNorm's eps");
        }
        return module(className, vit, output, parameters, Double.NaN);
    }

    /**
     * The module for {@code vit}'s weights in {@code parameters} (timm names), returning {@code output};
     * {@code probeEps} is the linear-probe BatchNorm's eps (unused by the other outputs).
     */
    public static ScriptModule module(String className, VitSettings vit, Output output, List<NamedParameter> parameters,
            double probeEps) {
        checkCovered(vit, output, parameters);
        int d = vit.embedDim();
        int heads = vit.numHeads();
        String eps = "1e-06";
        StringBuilder s = new StringBuilder();
        s.append("class ").append(className).append("(Module):\n");
        s.append("  __parameters__ = []\n  __buffers__ = []\n  training : bool\n");
        for (NamedParameter p : parameters) {
            s.append("  ").append(ScriptModule.attributeName(p.name())).append(" : Tensor\n");
        }
        s.append("  def forward(self: __torch__.").append(className).append(",\n    x: Tensor) -> Tensor:\n");
        s.append("    x0 = torch.conv2d(x, self.patch_embed_proj_weight, self.patch_embed_proj_bias, [")
                .append(vit.patchSize()).append(", ").append(vit.patchSize()).append("], [0, 0], [1, 1], 1)\n");
        s.append("    x1 = torch.transpose(torch.flatten(x0, 2), 1, 2)\n");
        s.append("    cls = torch.expand(self.cls_token, [torch.size(x1, 0), -1, -1])\n");
        s.append("    h = torch.add(torch.cat([cls, x1], 1), self.pos_embed)\n");
        for (int i = 0; i < vit.depth(); i++) {
            String b = "self.blocks_" + i + "_";
            s.append("    h = (self).block(h");
            for (String w : List.of("norm1", "attn_qkv", "attn_proj", "norm2", "mlp_fc1", "mlp_fc2")) {
                s.append(", ").append(b).append(w).append("_weight, ").append(b).append(w).append("_bias");
            }
            s.append(")\n");
        }
        String feature = switch (output) {
            case LOGITS_GLOBAL_POOL, PROBE_LOGITS_GLOBAL_POOL -> {
                s.append("    f = torch.mean(torch.slice(h, 1, 1, 9223372036854775807), [1])\n");
                s.append("    f1 = torch.layer_norm(f, [").append(d).append("], self.fc_norm_weight, self.fc_norm_bias, ")
                        .append(eps).append(")\n");
                yield "f1";
            }
            case LOGITS_CLS_TOKEN, PROBE_LOGITS_CLS_TOKEN -> {
                s.append("    f = torch.layer_norm(h, [").append(d).append("], self.norm_weight, self.norm_bias, ")
                        .append(eps).append(")\n");
                yield "torch.select(f, 1, 0)";
            }
            case TOKENS -> null;
        };
        switch (output) {
            case LOGITS_GLOBAL_POOL, LOGITS_CLS_TOKEN -> s.append("    return torch.linear(").append(feature)
                    .append(", self.head_weight, self.head_bias)\n");
            case PROBE_LOGITS_GLOBAL_POOL, PROBE_LOGITS_CLS_TOKEN -> s.append(probeHead(feature, probeEps));
            case TOKENS -> s.append("    return torch.layer_norm(h, [").append(d)
                    .append("], self.norm_weight, self.norm_bias, ").append(eps).append(")\n");
            default -> throw new IllegalArgumentException(output.toString());
        }
        s.append("  def block(self: __torch__.").append(className).append(",\n    x: Tensor,\n");
        for (String w : List.of("n1w", "n1b", "qkvw", "qkvb", "pw", "pb", "n2w", "n2b", "f1w", "f1b", "f2w", "f2b")) {
            s.append("    ").append(w).append(": Tensor,\n");
        }
        s.setLength(s.length() - 2);
        s.append(") -> Tensor:\n");
        s.append("    b = torch.size(x, 0)\n    t = torch.size(x, 1)\n");
        s.append("    y = torch.layer_norm(x, [").append(d).append("], n1w, n1b, ").append(eps).append(")\n");
        s.append("    qkv = torch.permute(torch.reshape(torch.linear(y, qkvw, qkvb), [b, t, 3, ").append(heads)
                .append(", ").append(d / heads).append("]), [2, 0, 3, 1, 4])\n");
        s.append("    q = torch.mul(torch.select(qkv, 0, 0), ")
                .append(String.format(Locale.ROOT, "%.17g", 1.0 / Math.sqrt(d / heads))).append(")\n");
        s.append("    k = torch.select(qkv, 0, 1)\n    v = torch.select(qkv, 0, 2)\n");
        s.append("    a = torch.softmax(torch.matmul(q, torch.transpose(k, -2, -1)), -1)\n");
        s.append("    o = torch.reshape(torch.transpose(torch.matmul(a, v), 1, 2), [b, t, ").append(d).append("])\n");
        s.append("    x2 = torch.add(x, torch.linear(o, pw, pb))\n");
        s.append("    y2 = torch.layer_norm(x2, [").append(d).append("], n2w, n2b, ").append(eps).append(")\n");
        s.append("    return torch.add(x2, torch.linear(torch.gelu(torch.linear(y2, f1w, f1b)), f2w, f2b))\n");
        String what = switch (output) {
            case LOGITS_GLOBAL_POOL, LOGITS_CLS_TOKEN -> "logits (N, classes)";
            case PROBE_LOGITS_GLOBAL_POOL, PROBE_LOGITS_CLS_TOKEN -> "logits (N, classes) of the linear probe "
                    + "(BatchNorm with its running statistics, then linear)";
            case TOKENS -> "features (N, 1 + " + vit.numPatches() + ", " + d + "): the cls token then the patch "
                    + "tokens after the final norm";
        };
        return new ScriptModule(className, s.toString(), parameters, "forward(images: float32 (N, " + vit.inChans()
                + ", " + vit.imgSize() + ", " + vit.imgSize() + "), normalized as in preprocessing) -> " + what);
    }
}
