package org.easycv4j.models.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.ParamGroups;
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
        assertEquals(new ParamGroups.Assignment(1, 2.0, 0.1), g.assign("blocks.0.mlp.fc1.weight", new Shape(8, 4), new VitLayerIds(2)));
        assertEquals(new ParamGroups.Assignment(1, 2.0, 0.0), g.assign("blocks.0.norm1.weight", new Shape(4), new VitLayerIds(2)));
        assertEquals(0.15, g.assign("blocks.1.norm1.weight", new Shape(4), new VitLayerIds(2)).weightDecay(), 1e-12);
        assertEquals(new ParamGroups.Assignment(3, 1.0, 0.05), g.assign("head.weight", new Shape(2, 4), new VitLayerIds(2)));
    }

    @Test
    void easyCvAndMaeRepoRulesAreExpressible() {
        ParamGroups easycv = parse("paramwise_options = [{pattern = \"(bias|norm|pos_embed|mask_token)\","
                + " weight_decay = 0}]", 0.05);
        ParamGroups mae = parse("no_decay_1d = true, no_decay_names = []", 0.05);
        Shape token = new Shape(1, 1, 8);
        assertEquals(0.0, easycv.assign("mask_token", token, new VitLayerIds(2)).weightDecay());
        assertEquals(0.05, easycv.assign("cls_token", token, new VitLayerIds(2)).weightDecay());
        assertEquals(0.05, mae.assign("mask_token", token, new VitLayerIds(2)).weightDecay()); // the MAE repo decays the tokens
        assertEquals(0.0, mae.assign("blocks.0.norm1.weight", new Shape(8), new VitLayerIds(2)).weightDecay());
        assertEquals(0.0, mae.assign("decoder_embed.bias", new Shape(8), new VitLayerIds(2)).weightDecay());
        ParamGroups finetune = parse("no_decay_1d = true", 0.05);
        assertEquals(0.0, finetune.assign("cls_token", token, new VitLayerIds(2)).weightDecay());
        assertEquals(0.0, finetune.assign("pos_embed", new Shape(1, 5, 8), new VitLayerIds(2)).weightDecay());
        assertEquals(0.05, finetune.assign("blocks.0.attn.qkv.weight", new Shape(24, 8), new VitLayerIds(2)).weightDecay());
    }

    @Test
    void objectFormAndBadRegexAreReported() {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString("paramwise_options { \"(bias\" { weight_decay = 0 }"
                + ", norm { momentum = 0 }, pos { decay_mult = 0 }, tok {} }"));
        ParamGroups.fromConfig(n, 1e-3, 0.05);
        String dict = n.problems().list().toString();
        assertTrue(dict.contains("paramwise_options.(bias:") && dict.contains("regular expression"), dict);
        // EasyCV's dict form knows lr, lr_mult, weight_decay and weight_decay_mult (decay_mult is the list's).
        assertTrue(dict.contains("paramwise_options.norm.momentum: unknown key"), dict);
        assertTrue(dict.contains("paramwise_options.pos.decay_mult: unknown key"), dict);
        assertTrue(dict.contains("paramwise_options.tok") && dict.contains("at least one of"), dict);
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
        ParamGroups g = parse("layer_decay = 0.65, no_decay_1d = true", 0.05);
        VitLayerIds vitB = new VitLayerIds(12);
        assertEquals(13, vitB.numLayers());
        assertEquals(Math.pow(0.65, 13), g.assign("patch_embed.proj.weight", new Shape(768, 3, 16, 16), vitB)
                .lrScale(), 1e-15);
        assertEquals(0.00369, g.assign("cls_token", new Shape(1, 1, 768), vitB).lrScale(), 1e-5);
        assertEquals(Math.pow(0.65, 12), g.assign("blocks.0.attn.qkv.weight", new Shape(2304, 768), vitB)
                .lrScale(), 1e-15);
        assertEquals(0.65, g.assign("blocks.11.mlp.fc2.bias", new Shape(768), vitB).lrScale(), 1e-15);
        assertEquals(1.0, g.assign("head.weight", new Shape(1000, 768), vitB).lrScale());
        assertEquals(13, g.assign("fc_norm.weight", new Shape(768), vitB).layerId());
        long ids = names.stream().map(n -> g.assign(n, new Shape(2, 2), vitB).layerId()).distinct().count();
        assertEquals(14, ids); // 0..13: 13 ids below the head's
    }

    private static ParamGroups parseDict(String hocon, double lr, double wd) {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString(hocon));
        ParamGroups g = ParamGroups.fromConfig(n, lr, wd);
        n.finish();
        assertEquals(List.of(), n.problems().list(), hocon);
        return g;
    }

    /**
     * EasyCV's build_optimizer: each matching entry sets lr = optimizer lr x lr_mult and weight decay = optimizer
     * weight decay x weight_decay_mult (or weight_decay), replacing what an earlier entry set; the list form
     * multiplies lr_mults together.
     */
    @Test
    void dictFormReplacesInsteadOfCompounding() {
        String opts = "{\n  blocks { lr_mult = 2, weight_decay = 0.1 }\n  \"\\\\.1\\\\.\" { lr_mult = 3 }\n"
                + "  norm { weight_decay_mult = 0.5 }\n}";
        ParamGroups dict = parseDict("paramwise_options = " + opts, 1e-3, 0.05);
        Shape v = new Shape(4);
        // blocks: scale 2, wd 0.1; .1.: scale 3 (not 2 x 3); norm: wd 0.05 x 0.5 (the optimizer's, not 0.1's).
        assertEquals(new ParamGroups.Assignment(2, 3.0, 0.025), dict.assign("blocks.1.norm1.weight", v, new VitLayerIds(2)));
        assertEquals(new ParamGroups.Assignment(1, 2.0, 0.1), dict.assign("blocks.0.mlp.fc1.weight", v, new VitLayerIds(2)));
        assertEquals(new ParamGroups.Assignment(3, 1.0, 0.025), dict.assign("norm.weight", v, new VitLayerIds(2)));
        assertEquals(new ParamGroups.Assignment(3, 1.0, 0.05), dict.assign("head.weight", v, new VitLayerIds(2)));
        ParamGroups list = parse("paramwise_options = [{pattern = blocks, lr_mult = 2, weight_decay = 0.1},"
                + " {pattern = \"\\\\.1\\\\.\", lr_mult = 3}, {pattern = norm, weight_decay_mult = 0.5}]", 0.05);
        assertEquals(new ParamGroups.Assignment(2, 6.0, 0.025), list.assign("blocks.1.norm1.weight", v, new VitLayerIds(2)));
    }

    /** Of two matching entries the one written last wins, whatever order the HOCON object keeps its keys in. */
    @Test
    void dictFormLastWrittenEntryWins() {
        ParamGroups ab = parseDict("paramwise_options {\n  zeta { weight_decay = 0.1 }\n  alpha { weight_decay = 0.2 }\n}",
                1e-3, 0.05);
        ParamGroups ba = parseDict("paramwise_options {\n  alpha { weight_decay = 0.2 }\n  zeta { weight_decay = 0.1 }\n}",
                1e-3, 0.05);
        Shape v = new Shape(4);
        assertEquals(0.2, ab.assign("zeta.alpha", v, new VitLayerIds(0)).weightDecay());
        assertEquals(0.1, ba.assign("zeta.alpha", v, new VitLayerIds(0)).weightDecay());
        // lr: absolute, as a scale of the optimizer's lr.
        ParamGroups abs = parseDict("paramwise_options { head { lr = 5e-4 } }", 1e-3, 0.05);
        assertEquals(0.5, abs.assign("head.weight", v, new VitLayerIds(0)).lrScale(), 1e-15);
    }

    @Test
    void dictFormEntriesOfUnknownOrderThatDisagreeFail() {
        ParamGroups g = parseDict("paramwise_options { zeta { weight_decay = 0.1 }, alpha { weight_decay = 0.2 },"
                + " beta { weight_decay = 0.2 } }", 1e-3, 0.05);
        Shape v = new Shape(4);
        assertEquals(0.1, g.assign("zeta.weight", v, new VitLayerIds(0)).weightDecay());
        assertEquals(0.2, g.assign("alpha.beta", v, new VitLayerIds(0)).weightDecay()); // same value: the order does not matter
        ComponentBuildException e = assertThrows(ComponentBuildException.class,
                () -> g.assign("zeta.alpha", v, new VitLayerIds(0)));
        assertTrue(e.getMessage().contains("zeta.alpha") && e.getMessage().contains("order is unknown"),
                e.getMessage());
    }

    /** EasyCV's ViT-B lr-decay 0.65 fine-tuning options, by hand: the dict's lr_mult replaces layer decay. */
    @Test
    void easyCvFineTuneDict() {
        StringBuilder b = new StringBuilder("paramwise_options {\n norm { weight_decay = 0 }\n bias { weight_decay = 0 }\n"
                + " pos_embed { weight_decay = 0 }\n patch_embed { lr_mult = " + Math.pow(0.65, 13) + " }\n");
        for (int i = 0; i < 12; i++) {
            b.append(" \"\\\\.").append(i).append("\\\\.\" { lr_mult = ").append(Math.pow(0.65, 12 - i)).append(" }\n");
        }
        b.append(" head { lr_mult = 1.0 }\n}");
        ParamGroups g = parseDict(b.toString(), 4e-3, 0.01);
        assertEquals(new ParamGroups.Assignment(0, 1.0, 0.01), g.assign("cls_token", new Shape(1, 1, 8), new VitLayerIds(12)));
        assertEquals(new ParamGroups.Assignment(0, 1.0, 0.0), g.assign("pos_embed", new Shape(1, 5, 8), new VitLayerIds(12)));
        assertEquals(new ParamGroups.Assignment(0, Math.pow(0.65, 13), 0.0),
                g.assign("patch_embed.proj.bias", new Shape(8), new VitLayerIds(12)));
        assertEquals(new ParamGroups.Assignment(1, Math.pow(0.65, 12), 0.0),
                g.assign("blocks.0.norm1.weight", new Shape(8), new VitLayerIds(12)));
        assertEquals(new ParamGroups.Assignment(11, Math.pow(0.65, 2), 0.01),
                g.assign("blocks.10.attn.qkv.weight", new Shape(24, 8), new VitLayerIds(12)));
        assertEquals(new ParamGroups.Assignment(13, 1.0, 0.0), g.assign("fc_norm.weight", new Shape(8), new VitLayerIds(12)));
        assertEquals(new ParamGroups.Assignment(13, 1.0, 0.01), g.assign("head.weight", new Shape(2, 8), new VitLayerIds(12)));
        // With layer_decay as well, parameters no entry gives an lr keep the layer-wise scale.
        ParamGroups both = parseDict("layer_decay = 0.5, paramwise_options { head { lr_mult = 3 } }", 1e-3, 0.01);
        assertEquals(0.5, both.assign("blocks.0.attn.qkv.weight", new Shape(2, 2), new VitLayerIds(1)).lrScale(), 1e-15);
        assertEquals(3.0, both.assign("head.weight", new Shape(2, 2), new VitLayerIds(1)).lrScale(), 1e-15);
    }
}
