package org.easycv4j.core.runner.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.Grads;
import org.easycv4j.core.optim.ParamGroupTable;
import org.junit.jupiter.api.Test;

/** The lr of each param group as a TensorBoard scalar: per layer under layer-wise decay, nothing extra for one lr. */
class TensorboardLrGroupsTest {
    /** Embeddings 0, blocks.0 at 1, the head 2. */
    private static final LayerIds ONE_BLOCK = new LayerIds() {
        @Override
        public int numLayers() {
            return 2;
        }

        @Override
        public int of(String name) {
            return name.startsWith("blocks.0.") ? 1 : name.startsWith("head") ? 2 : 0;
        }
    };

    private static AdamW adamW(String hocon) {
        return new AdamW(AdamWSettings.fromConfig(ConfigNode.root(ConfigFactory.parseString(hocon))));
    }

    @Test
    void layerWiseDecayGivesOneLrPerLayerAndOneLrGivesNone() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NamedParameter> ps = List.of(Grads.param(m, "patch_embed.proj.weight", new float[4], new Shape(2, 2)),
                    Grads.param(m, "blocks.0.attn.qkv.weight", new float[4], new Shape(2, 2)),
                    Grads.param(m, "head.weight", new float[4], new Shape(2, 2)));
            Map<String, Double> decayed = TensorboardLoggerHook.lrGroups(ParamGroupTable.of(ps, ONE_BLOCK,
                    adamW("lr = 0.1, layer_decay = 0.5")));
            // scale 0.5^(2 - id): 0.25, 0.5, 1
            assertEquals(Map.of("learning_rate/layer_0", 0.25, "learning_rate/layer_1", 0.5,
                    "learning_rate/layer_2", 1.0), decayed);
            assertEquals(Map.of(), TensorboardLoggerHook.lrGroups(ParamGroupTable.of(ps, ONE_BLOCK,
                    adamW("lr = 0.1"))));
            // an lr_mult inside one layer: groups counted over (layer, scale)
            Map<String, Double> mixed = TensorboardLoggerHook.lrGroups(ParamGroupTable.of(ps, LayerIds.NONE,
                    adamW("lr = 0.1, paramwise_options = [{pattern = \"head\", lr_mult = 10}]")));
            assertEquals(Map.of("learning_rate/group_0", 1.0, "learning_rate/group_1", 10.0), mixed);
        }
    }
}
