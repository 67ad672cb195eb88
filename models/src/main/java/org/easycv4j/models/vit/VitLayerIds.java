package org.easycv4j.models.vit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.core.model.LayerIds;

/**
 * The MAE repository's layer ids of a ViT encoder of {@code depth} blocks ({@code util/lr_decay.py}'s
 * {@code get_layer_id_for_vit}): 0 for {@code cls_token}, {@code pos_embed} and {@code patch_embed.*},
 * i + 1 for {@code blocks.i.*}, and {@code depth + 1} (the number of layers) for everything after the encoder
 * (norms, the head, an MAE decoder).
 */
public record VitLayerIds(int depth) implements LayerIds {
    private static final Pattern BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.");

    @Override
    public int numLayers() {
        return depth + 1;
    }

    @Override
    public int of(String name) {
        if (name.equals("cls_token") || name.equals("pos_embed") || name.startsWith("patch_embed")) {
            return 0;
        }
        Matcher m = BLOCK.matcher(name);
        if (m.find()) {
            return Integer.parseInt(m.group(1)) + 1;
        }
        return numLayers();
    }
}
