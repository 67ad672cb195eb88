package org.easycv4j.models.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.core.checkpoint.WeightLoadException;
import org.easycv4j.core.io.WeightFiles;

/**
 * Maps checkpoint names to ours. timm and the MAE repository already use our names; Hugging Face's
 * {@code ViTMAEForPreTraining} / {@code ViTMAEModel} (and {@code ViTModel} / {@code ViTForImageClassification})
 * names are renamed through the explicit table below, and their separate query, key and value projections are
 * concatenated (in that order, along the output dimension) into the fused {@code attn.qkv}:
 *
 * <pre>
 * [vit.]embeddings.cls_token                          cls_token
 * [vit.]embeddings.position_embeddings                pos_embed
 * [vit.]embeddings.patch_embeddings.projection.*      patch_embed.proj.*
 * [vit.]encoder.layer.N.layernorm_before.*            blocks.N.norm1.*
 * [vit.]encoder.layer.N.attention.attention.{query,key,value}.*   blocks.N.attn.qkv.*
 * [vit.]encoder.layer.N.attention.output.dense.*      blocks.N.attn.proj.*
 * [vit.]encoder.layer.N.layernorm_after.*             blocks.N.norm2.*
 * [vit.]encoder.layer.N.intermediate.dense.*          blocks.N.mlp.fc1.*
 * [vit.]encoder.layer.N.output.dense.*                blocks.N.mlp.fc2.*
 * [vit.]layernorm.*                                   norm.*
 * decoder.mask_token                                  mask_token
 * decoder.decoder_pos_embed                           decoder_pos_embed
 * decoder.decoder_embed.*                             decoder_embed.*
 * decoder.decoder_layers.N.(as encoder layers)        decoder_blocks.N.(as blocks)
 * decoder.decoder_norm.*                              decoder_norm.*
 * decoder.decoder_pred.*                              decoder_pred.*
 * classifier.*                                        head.*
 * </pre>
 * A Hugging Face name outside the table keeps its name, so loaders report it as unexpected.
 *
 * <p>EasyCV's checkpoints ({@code torch.save({'meta', 'state_dict', 'optimizer'})}) name the same tensors
 * under its model's attributes, which are stripped: MAE pretraining ({@code MAE.encoder}, a
 * {@code MaskedAutoencoderViT}, and {@code MAE.decoder}, an {@code MAENeck} whose names already start with
 * {@code decoder_} / {@code mask_token}) and classification ({@code Classification.backbone}, either a
 * {@code PytorchImageModelWrapper} holding timm's ViT as {@code model} or the ViT itself, and
 * {@code head_0}, a {@code ClsHead} whose linear layer is {@code fc}):
 * <pre>
 * encoder.*            *            (cls_token, pos_embed, patch_embed.proj.*, blocks.N.*, norm.*)
 * decoder.*            *            (mask_token, decoder_pos_embed, decoder_embed.*, decoder_blocks.N.*, ...)
 * backbone.model.*     *            (... fc_norm.* with global pooling, head.* when the ViT holds the head)
 * backbone.*           *
 * head_0.fc.*          head.*
 * </pre>
 * Other EasyCV entries (further heads, necks) keep their names and are reported as unexpected. An EasyCV
 * checkpoint without a ViT in it (a ResNet, a Swin) is refused with the names it holds.
 */
public final class CheckpointNames {
    private static final Pattern LAYER = Pattern.compile(
            "(encoder\\.layer|decoder\\.decoder_layers)\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Map<String, String> TOP = new LinkedHashMap<>();
    private static final Map<String, String> LAYER_PARTS = new LinkedHashMap<>();
    private static final List<String> QKV = List.of("query", "key", "value");

    static {
        TOP.put("embeddings.cls_token", "cls_token");
        TOP.put("embeddings.position_embeddings", "pos_embed");
        TOP.put("embeddings.patch_embeddings.projection.weight", "patch_embed.proj.weight");
        TOP.put("embeddings.patch_embeddings.projection.bias", "patch_embed.proj.bias");
        TOP.put("layernorm.weight", "norm.weight");
        TOP.put("layernorm.bias", "norm.bias");
        TOP.put("decoder.mask_token", "mask_token");
        TOP.put("decoder.decoder_pos_embed", "decoder_pos_embed");
        for (String side : new String[] {"weight", "bias"}) {
            for (String m : new String[] {"decoder_embed", "decoder_norm", "decoder_pred"}) {
                TOP.put("decoder." + m + "." + side, m + "." + side);
            }
            TOP.put("classifier." + side, "head." + side);
        }
        LAYER_PARTS.put("layernorm_before", "norm1");
        LAYER_PARTS.put("attention.output.dense", "attn.proj");
        LAYER_PARTS.put("layernorm_after", "norm2");
        LAYER_PARTS.put("intermediate.dense", "mlp.fc1");
        LAYER_PARTS.put("output.dense", "mlp.fc2");
    }

    private static final Pattern EASYCV_MAE = Pattern.compile(
            "encoder\\.(cls_token|pos_embed|patch_embed\\.|blocks\\.\\d+\\.|norm\\.).*");
    private static final List<String> EASYCV_PREFIXES = List.of("backbone.model.", "backbone.", "encoder.",
            "decoder.");

    private CheckpointNames() {}

    /**
     * Reads a weights file ({@code .pth}, safetensors or a checkpoint folder, see {@link WeightFiles}) under
     * our names.
     */
    public static Map<String, NDArray> read(Path source, NDManager manager) throws IOException {
        Path file = WeightFiles.resolve(source);
        if (java.nio.file.Files.isDirectory(source)) {
            org.easycv4j.core.checkpoint.Checkpoints.verify(source, file.getFileName().toString());
        }
        return toOurs(file.toString(), WeightFiles.read(file, manager));
    }

    /** Whether the names look like EasyCV's (a classification backbone or head, or MAE's encoder). */
    public static boolean isEasyCv(Map<String, ?> tensors) {
        for (String k : tensors.keySet()) {
            if (k.startsWith("backbone.") || k.startsWith("head_0.") || EASYCV_MAE.matcher(k).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the names look like Hugging Face's (the table applies). */
    public static boolean isHuggingFace(Map<String, ?> tensors) {
        if (isEasyCv(tensors)) {
            return false;
        }
        for (String k : tensors.keySet()) {
            String s = k.startsWith("vit.") ? k.substring(4) : k;
            if (s.startsWith("embeddings.patch_embeddings.") || s.startsWith("encoder.layer.")
                    || s.startsWith("decoder.decoder_")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tensors under our names: unchanged for timm / MAE-repository names, renamed and fused for Hugging
     * Face names. {@code source} names the file in errors (a query/key/value triple with a part missing or of
     * mismatched shape).
     */
    public static Map<String, NDArray> toOurs(String source, Map<String, NDArray> tensors)
            throws WeightLoadException {
        if (isEasyCv(tensors)) {
            return fromEasyCv(source, tensors);
        }
        if (!isHuggingFace(tensors)) {
            return tensors;
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        Map<String, NDArray[]> qkv = new LinkedHashMap<>();
        Map<String, String[]> qkvSources = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String original = e.getKey();
            String name = original.startsWith("vit.") ? original.substring(4) : original;
            String ours = TOP.get(name);
            if (ours != null) {
                put(source, out, ours, original, e.getValue());
                continue;
            }
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                String block = (m.group(1).equals("encoder.layer") ? "blocks." : "decoder_blocks.") + m.group(2);
                String part = m.group(3);
                String side = m.group(4);
                if (part.startsWith("attention.attention.") && QKV.contains(part.substring(20))) {
                    String fused = block + ".attn.qkv." + side;
                    int i = QKV.indexOf(part.substring(20));
                    qkv.computeIfAbsent(fused, k -> new NDArray[3])[i] = e.getValue();
                    qkvSources.computeIfAbsent(fused, k -> new String[3])[i] = original;
                    out.put(fused, null); // keeps the model's order: qkv comes first in a block
                    continue;
                }
                String mapped = LAYER_PARTS.get(part);
                if (mapped != null) {
                    put(source, out, block + "." + mapped + "." + side, original, e.getValue());
                    continue;
                }
            }
            put(source, out, original, original, e.getValue());
        }
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, NDArray[]> e : qkv.entrySet()) {
            NDArray[] parts = e.getValue();
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (parts[i] == null) {
                    missing.add(QKV.get(i));
                }
            }
            if (!missing.isEmpty()) {
                errors.add(e.getKey() + " needs query, key and value; missing " + missing + " (have "
                        + Arrays.stream(qkvSources.get(e.getKey())).filter(s -> s != null).toList() + ")");
                continue;
            }
            if (!parts[0].getShape().equals(parts[1].getShape()) || !parts[0].getShape().equals(parts[2].getShape())) {
                errors.add(e.getKey() + ": query, key and value differ in shape: " + parts[0].getShape() + ", "
                        + parts[1].getShape() + ", " + parts[2].getShape());
                continue;
            }
            NDArray fused = NDArrays.concat(new NDList(parts[0], parts[1], parts[2]), 0);
            fused.setName(e.getKey());
            out.put(e.getKey(), fused);
        }
        if (!errors.isEmpty()) {
            throw new WeightLoadException(source + ": cannot map Hugging Face names: " + String.join("; ", errors));
        }
        out.values().removeIf(v -> v == null);
        return out;
    }

    /** EasyCV's names without their model-attribute prefixes (see the class comment). */
    static Map<String, NDArray> fromEasyCv(String source, Map<String, NDArray> tensors) throws WeightLoadException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String k = e.getKey();
            String ours = k;
            if (k.startsWith("head_0.fc.")) {
                ours = "head." + k.substring("head_0.fc.".length());
            } else {
                for (String prefix : EASYCV_PREFIXES) {
                    if (k.startsWith(prefix)) {
                        ours = k.substring(prefix.length());
                        break;
                    }
                }
            }
            put(source, out, ours, k, e.getValue());
        }
        boolean vit = out.containsKey("patch_embed.proj.weight") && out.containsKey("blocks.0.attn.qkv.weight")
                && out.keySet().stream().noneMatch(k -> k.startsWith("layers."));
        if (!vit) {
            List<String> sample = tensors.keySet().stream().limit(4).toList();
            throw new WeightLoadException(source + ": an EasyCV checkpoint of another architecture (it holds " + sample
                    + (tensors.size() > 4 ? " and " + (tensors.size() - 4) + " more" : "") + "); expected a ViT as "
                    + "EasyCV's MAE (encoder.patch_embed.proj.weight, encoder.blocks.N.attn.qkv.*) or a ViT "
                    + "classification model (backbone.[model.]patch_embed.proj.weight, backbone.[model.]blocks.N.*) "
                    + "saves it");
        }
        return out;
    }

    private static void put(String source, Map<String, NDArray> out, String ours, String original, NDArray t)
            throws WeightLoadException {
        if (out.containsKey(ours)) {
            throw new WeightLoadException(source + ": \"" + original + "\" maps to \"" + ours
                    + "\", which another entry already has");
        }
        out.put(ours, t);
    }
}
