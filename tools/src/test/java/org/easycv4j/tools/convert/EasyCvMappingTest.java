package org.easycv4j.tools.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Loc;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.junit.jupiter.api.Test;

class EasyCvMappingTest {

    private static Dict mapped(String src, EasyCvMapping.Context ctx) {
        PyConfigParser.Result r = PyConfigParser.parse("m.py", src);
        assertEquals(List.of(), r.problems());
        return EasyCvMapping.apply(new Dict(r.names(), new Loc("m.py", 1)), ctx);
    }

    /** EasyCV's tools/train.py turns a top-level ema into EMAHook(decay): here an EMAHook in custom_hooks. */
    @Test
    void aTopLevelEmaBecomesAnEmaHookAfterTheCustomHooks() {
        EasyCvMapping.Context ctx = new EasyCvMapping.Context();
        Dict d = mapped("custom_hooks = [dict(type='TextLoggerHook')]\nema = dict(decay=0.99996, momentum=1)\n", ctx);
        assertNull(d.get("ema"));
        List<PyValue> hooks = ((PyList) d.get("custom_hooks")).items();
        assertEquals(2, hooks.size());
        Dict ema = (Dict) hooks.get(1);
        assertEquals("EMAHook", ema.typeName());
        assertEquals(0.99996, ((PyValue.Float) ema.get("decay")).value());
        assertEquals(List.of("type", "decay"), List.copyOf(ema.map().keySet()));
        assertEquals(1, ctx.notes.size());
        assertTrue(ctx.notes.get(0).toString().contains("ema.momentum: EasyCV's tools/train.py reads only ema.decay"),
                ctx.notes.toString());
        Dict none = mapped("ema = dict(decay=0.9)\n", new EasyCvMapping.Context());
        assertEquals(1, ((PyList) none.get("custom_hooks")).items().size(), "custom_hooks made when absent");
    }

    /** EasyCV's own VisionTransformer backbone (DeiT): ViTClassifier, the preset named, its defaults checked. */
    @Test
    void easyCvsOwnVisionTransformerBecomesAViTClassifier() {
        String deit = "model = dict(type='Classification', pretrained=False, backbone=dict(type='VisionTransformer', img_size=[224], "
                + "num_classes=1000, patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4, "
                + "qkv_bias=True, drop_rate=0., drop_path_rate=0.1), head=dict(type='ClsHead', "
                + "loss_config={'type': 'SoftTargetCrossEntropy'}, with_fc=False))\n";
        Dict m = (Dict) mapped(deit, new EasyCvMapping.Context()).get("model");
        assertEquals("ViTClassifier", m.typeName());
        assertNull(m.get("head"), "the classifier's own head");
        assertNull(m.get("pretrained"), "pretrained = False: no checkpoint");
        assertEquals(1000L, ((PyValue.Int) m.get("num_classes")).value());
        Dict bb = (Dict) m.get("backbone");
        assertEquals(List.of("type", "arch", "use_global_pool", "img_size", "patch_size", "embed_dim", "depth",
                "num_heads", "mlp_ratio", "drop_path_rate"), List.copyOf(bb.map().keySet()));
        assertEquals("small", ((PyValue.Str) bb.get("arch")).value());
        assertEquals(224L, ((PyValue.Int) bb.get("img_size")).value());
        assertEquals(false, ((PyValue.Bool) bb.get("use_global_pool")).value(), "EasyCV's default: the cls token");
        // what this encoder does not have stays, for validation to name: no qkv bias (EasyCV's default); its DeiT
        // options are this encoder's keys too and stay as written, false ones included
        Dict other = (Dict) ((Dict) mapped("model = dict(type='Classification', backbone=dict(type="
                + "'VisionTransformer', hydra_attention=True, hydra_attention_layers=8, use_layer_scale=False, "
                + "use_dpr_linspace=False))\n", new EasyCvMapping.Context()).get("model")).get("backbone");
        assertEquals(false, ((PyValue.Bool) other.get("qkv_bias")).value());
        assertEquals(true, ((PyValue.Bool) other.get("hydra_attention")).value());
        assertEquals(8L, ((PyValue.Int) other.get("hydra_attention_layers")).value());
        assertEquals(false, ((PyValue.Bool) other.get("use_layer_scale")).value());
        assertEquals(false, ((PyValue.Bool) other.get("use_dpr_linspace")).value());
        Dict off = (Dict) ((Dict) mapped("model = dict(type='Classification', backbone=dict(type="
                + "'VisionTransformer', hydra_attention=False))\n", new EasyCvMapping.Context()).get("model"))
                .get("backbone");
        assertEquals(false, ((PyValue.Bool) off.get("hydra_attention")).value());
    }

    /**
     * timm's deit_* models (EasyCV's timm/deit configs) are timm's VisionTransformer with ViT's presets: a
     * ViTClassifier of that arch, patch and size; the distilled ones, with their extra token and head, are not.
     */
    @Test
    void timmsDeitModelsBecomeViTClassifiersButNotTheDistilledOnes() {
        String timm = "model = dict(type='Classification', backbone=dict(type='PytorchImageModelWrapper', "
                + "model_name='%s', num_classes=1000), head=dict(type='ClsHead', with_fc=False))\n";
        Dict m = (Dict) mapped(String.format(timm, "deit_small_patch16_384"), new EasyCvMapping.Context())
                .get("model");
        assertEquals("ViTClassifier", m.typeName());
        Dict bb = (Dict) m.get("backbone");
        assertEquals("small", ((PyValue.Str) bb.get("arch")).value());
        assertEquals(16L, ((PyValue.Int) bb.get("patch_size")).value());
        assertEquals(384L, ((PyValue.Int) bb.get("img_size")).value());
        assertEquals(false, ((PyValue.Bool) bb.get("use_global_pool")).value(), "timm's DeiT: the cls token");
        assertEquals("base", ((PyValue.Str) ((Dict) ((Dict) mapped(String.format(timm, "vit_base_patch32_224"),
                new EasyCvMapping.Context()).get("model")).get("backbone")).get("arch")).value());

        EasyCvMapping.Context ctx = new EasyCvMapping.Context();
        Dict distilled = (Dict) mapped(String.format(timm, "deit_base_distilled_patch16_224"), ctx).get("model");
        assertEquals("Classification", distilled.typeName(), "kept as written");
        assertTrue(ctx.notes.toString().contains("'deit_base_distilled_patch16_224' is not a ViT this project "
                + "implements"), ctx.notes.toString());
    }

    /**
     * DeiT III's model: the backbone's layer scale, stochastic-depth and hydra keys stay under EasyCV's names
     * (the encoder's own keys), False ones included; the head's binary cross-entropy becomes the classifier's
     * loss_config, as written.
     */
    @Test
    void deitIiiKeepsItsEncoderKeysAndMovesTheHeadLoss() {
        String deit3 = "model = dict(type='Classification', backbone=dict(type='VisionTransformer', img_size=[192], "
                + "embed_dim=768, depth=12, num_heads=12, qkv_bias=True, drop_rate=0., drop_path_rate=0.2, "
                + "use_layer_scale=True, init_scale=1e-4, use_dpr_linspace=False, hydra_attention=False, "
                + "hydra_attention_layers=8), head=dict(type='ClsHead', loss_config=dict(type='CrossEntropyLoss', "
                + "use_sigmoid=True, loss_weight=1.0, label_ceil=True), with_fc=False, use_num_classes=False))\n";
        EasyCvMapping.Context ctx = new EasyCvMapping.Context();
        Dict m = (Dict) mapped(deit3, ctx).get("model");
        assertEquals("ViTClassifier", m.typeName());
        assertNull(m.get("head"));
        Dict bb = (Dict) m.get("backbone");
        assertEquals(List.of("type", "arch", "use_global_pool", "img_size", "embed_dim", "depth", "num_heads",
                "drop_path_rate", "use_layer_scale", "init_scale", "use_dpr_linspace", "hydra_attention",
                "hydra_attention_layers"), List.copyOf(bb.map().keySet()));
        assertEquals(true, ((PyValue.Bool) bb.get("use_layer_scale")).value());
        assertEquals(1e-4, ((PyValue.Float) bb.get("init_scale")).value());
        assertEquals(false, ((PyValue.Bool) bb.get("use_dpr_linspace")).value());
        assertEquals(false, ((PyValue.Bool) bb.get("hydra_attention")).value());
        assertEquals(8L, ((PyValue.Int) bb.get("hydra_attention_layers")).value());
        Dict loss = (Dict) m.get("loss_config");
        assertEquals(List.of("type", "use_sigmoid", "loss_weight", "label_ceil"), List.copyOf(loss.map().keySet()));
        assertEquals("CrossEntropyLoss", loss.typeName());
        assertEquals(true, ((PyValue.Bool) loss.get("label_ceil")).value());
        assertEquals(List.of(), ctx.notes);
        // a loss of its type only is the classifier's default: nothing written
        Dict plain = (Dict) mapped("model = dict(type='Classification', backbone=dict(type='VisionTransformer'), "
                + "head=dict(type='ClsHead', loss_config=dict(type='CrossEntropyLoss'), with_fc=False))\n",
                new EasyCvMapping.Context()).get("model");
        assertNull(plain.get("loss_config"));
        assertNull(plain.get("head"));
    }
}
