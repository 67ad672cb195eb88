package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.junit.jupiter.api.Test;

class ParamGroupsTest {

    private static ParamGroups parse(String hocon, double wd) {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString(hocon));
        ParamGroups g = ParamGroups.fromConfig(n, wd);
        n.finish();
        assertEquals(List.of(), n.problems().list(), hocon);
        return g;
    }

    @Test
    void laterRulesOverrideEarlierOnes() {
        ParamGroups g = parse("paramwise_options = [{pattern = \"blocks\", weight_decay = 0.1, lr_mult = 2},"
                + " {pattern = \"norm\", weight_decay = 0}, {pattern = \"blocks\\\\.1\\\\.\", weight_decay_mult = 3}]",
                0.05);
        assertEquals(new ParamGroups.Assignment(1, 2.0, 0.1), g.assign("blocks.0.mlp.fc1.weight", new Shape(8, 4), 3));
        assertEquals(new ParamGroups.Assignment(1, 2.0, 0.0), g.assign("blocks.0.norm1.weight", new Shape(4), 3));
        assertEquals(0.15, g.assign("blocks.1.norm1.weight", new Shape(4), 3).weightDecay(), 1e-12);
        assertEquals(new ParamGroups.Assignment(3, 1.0, 0.05), g.assign("head.weight", new Shape(2, 4), 3));
    }

    @Test
    void easyCvAndMaeRepoRulesAreExpressible() {
        ParamGroups easycv = parse("paramwise_options = [{pattern = \"(bias|norm|pos_embed|mask_token)\","
                + " weight_decay = 0}]", 0.05);
        ParamGroups mae = parse("no_decay_1d = true, no_decay_names = []", 0.05);
        Shape token = new Shape(1, 1, 8);
        assertEquals(0.0, easycv.assign("mask_token", token, 3).weightDecay());
        assertEquals(0.05, easycv.assign("cls_token", token, 3).weightDecay());
        assertEquals(0.05, mae.assign("mask_token", token, 3).weightDecay()); // the MAE repo decays the tokens
        assertEquals(0.0, mae.assign("blocks.0.norm1.weight", new Shape(8), 3).weightDecay());
        assertEquals(0.0, mae.assign("decoder_embed.bias", new Shape(8), 3).weightDecay());
        ParamGroups finetune = parse("no_decay_1d = true", 0.05);
        assertEquals(0.0, finetune.assign("cls_token", token, 3).weightDecay());
        assertEquals(0.0, finetune.assign("pos_embed", new Shape(1, 5, 8), 3).weightDecay());
        assertEquals(0.05, finetune.assign("blocks.0.attn.qkv.weight", new Shape(24, 8), 3).weightDecay());
    }

    @Test
    void objectFormAndBadRegexAreReported() {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString("paramwise_options { bias { weight_decay = 0 } }"));
        ParamGroups.fromConfig(n, 0.05);
        assertTrue(n.problems().list().toString().contains("keeps no order"), n.problems().list().toString());
        ConfigNode bad = ConfigNode.root(ConfigFactory.parseString("paramwise_options = [{pattern = \"(bias\","
                + " weight_decay = 0}], layer_decay = 1.5"));
        ParamGroups.fromConfig(bad, 0.05);
        String all = bad.problems().list().toString();
        assertTrue(all.contains("paramwise_options[0].pattern") && all.contains("regular expression"), all);
        assertTrue(all.contains("layer_decay"), all);
    }

    /** ViT-B/16 classifier names: 13 layer ids below the head, 0.65^13 for the patch embedding, 1 for the head. */
    @Test
    void vitBaseLayerDecayGroups() {
        List<String> names = new ArrayList<>(List.of("cls_token", "pos_embed", "patch_embed.proj.weight",
                "patch_embed.proj.bias"));
        for (int i = 0; i < 12; i++) {
            for (String s : List.of("norm1.weight", "attn.qkv.weight", "mlp.fc2.bias")) {
                names.add("blocks." + i + "." + s);
            }
        }
        names.addAll(List.of("fc_norm.weight", "head.weight", "head.bias"));
        assertEquals(12, ParamGroups.depthFromNames(names));
        ParamGroups g = parse("layer_decay = 0.65, no_decay_1d = true", 0.05);
        int numLayers = 13;
        assertEquals(Math.pow(0.65, 13), g.assign("patch_embed.proj.weight", new Shape(768, 3, 16, 16), numLayers)
                .lrScale(), 1e-15);
        assertEquals(0.00369, g.assign("cls_token", new Shape(1, 1, 768), numLayers).lrScale(), 1e-5);
        assertEquals(Math.pow(0.65, 12), g.assign("blocks.0.attn.qkv.weight", new Shape(2304, 768), numLayers)
                .lrScale(), 1e-15);
        assertEquals(0.65, g.assign("blocks.11.mlp.fc2.bias", new Shape(768), numLayers).lrScale(), 1e-15);
        assertEquals(1.0, g.assign("head.weight", new Shape(1000, 768), numLayers).lrScale());
        assertEquals(13, g.assign("fc_norm.weight", new Shape(768), numLayers).layerId());
        long ids = names.stream().map(n -> g.assign(n, new Shape(2, 2), numLayers).layerId()).distinct().count();
        assertEquals(14, ids); // 0..13: 13 ids below the head's
    }
}
