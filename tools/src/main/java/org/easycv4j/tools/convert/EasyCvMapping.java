package org.easycv4j.tools.convert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.core.runner.RuntimeSettings;
import org.easycv4j.tools.convert.PyConfigParser.Problem;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.Loc;
import org.easycv4j.tools.convert.PyValue.None;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/**
 * Where EasyCV4J's config differs from EasyCV's: one table of rules (a place in the config, the EasyCV
 * {@code type} found there, what becomes of it), applied in table order to every matching object. Everything
 * else is copied as written, since the project keeps EasyCV's names. docs/config.md shows this table.
 */
final class EasyCvMapping {

    /** Top-level keys the runner reads; other top-level names are helper values and go under {@code vars}. */
    static final Set<String> KEYS = keys();

    private static Set<String> keys() {
        Set<String> k = new java.util.LinkedHashSet<>(List.of("model", "data", "optimizer", "optimizer_config",
                "lr_config", "total_epochs", "checkpoint_config", "log_config", "eval_config", "eval_pipelines",
                "custom_hooks", "load_from", "resume_from", "work_dir", "seed", "fp16", "log_level",
                "cudnn_benchmark", "dist_params"));
        k.addAll(RuntimeSettings.IGNORED.keySet());
        return java.util.Collections.unmodifiableSet(k);
    }

    /** Edits a rule makes beyond its own object (a value moved elsewhere) and notes on what it dropped. */
    static final class Context {
        final Map<List<String>, PyValue> moves = new LinkedHashMap<>();
        final List<Problem> notes = new ArrayList<>();

        void note(PyValue at, String path, String message) {
            notes.add(new Problem(at.loc(), path + ": " + message));
        }
    }

    @FunctionalInterface
    interface Action {
        /** The replacement of {@code node} at {@code path}, or null to remove it. */
        PyValue apply(Dict node, String path, Context ctx);
    }

    /**
     * @param where a path: keys separated by dots, {@code []} for every element of a list
     * @param type the EasyCV {@code type} the object must have
     * @param effect what the rule does, for the documentation
     */
    record Rule(String where, String type, String effect, Action action) {}

    // timm's deit_{tiny,small,base}_patch16_{224,384} are its VisionTransformer with ViT's presets (cls token, qkv
    // bias); the distilled ones add a distillation token and head, which this encoder has not.
    private static final Pattern VIT = Pattern.compile(
            "^(?:(?:dynamic_)?vit_(tiny|small|base|large|huge)|deit_(tiny|small|base))_(?:patch|p)(\\d+)(?:_(\\d+))?$");

    static final List<Rule> RULES = List.of(
            new Rule("model", "Classification", "`mixup_cfg` moves to `data.train.mixup` (batch mode; `mode` and an "
                    + "empty `cutmix_minmax` are dropped); `train_preprocess = ['mixUp']` is implied by it",
                    EasyCvMapping::mixup),
            new Rule("model", "Classification", "with a `PytorchImageModelWrapper` backbone whose `model_name` is a "
                    + "ViT (`vit_<arch>_patch<P>_<size>`, `dynamic_vit_<arch>_p<P>`, timm's `deit_<arch>_patch<P>_<size>`): `type = ViTClassifier`, "
                    + "backbone `{type = VisionTransformer, arch, patch_size, img_size (224 when the name has none), "
                    + "drop_path_rate (timm's 0 when unset), use_global_pool = global_pool (timm's cls token when "
                    + "unset)}`, the backbone's `num_classes` to the model; a `ClsHead` with `with_fc = False` and "
                    + "a (soft-target) cross-entropy loss is the classifier's own head, its `loss_config` moved to "
                    + "`model.loss_config` when it sets more than `type` (DeiT III's `use_sigmoid`, `label_ceil`, "
                    + "`loss_weight`); with EasyCV's own "
                    + "`VisionTransformer` backbone (DeiT): the same, its keys kept, `img_size = [224]` as 224, "
                    + "`arch` the preset of its width / depth / heads, `use_global_pool = global_pool` (EasyCV's "
                    + "cls token when unset); `qkv_bias = True` and `drop_rate = 0` dropped as this encoder's own; "
                    + "`use_layer_scale`, `init_scale`, `use_dpr_linspace`, `hydra_attention`, "
                    + "`hydra_attention_layers` kept (this encoder's keys too); other values (no qkv bias, a "
                    + "drop_rate) kept for validation to name",
                    EasyCvMapping::vitClassifier),
            new Rule("log_config.hooks[]", "TensorboardLoggerHook", "kept with `log_dir` and `interval`; mmcv's "
                    + "other keys (`ignore_last`, `reset_flag`, `by_epoch`, ...) are dropped with a note",
                    EasyCvMapping::tensorboard));

    /**
     * A setting whose default differs: EasyCV's value, written when the config leaves it out.
     *
     * @param path where, from the top level; written only when its parent object exists
     */
    record Default(List<String> path, boolean value, String why) {}

    static final List<Default> DEFAULTS = List.of(
            new Default(List.of("data", "drop_last"), true, "EasyCV's tools/train.py drops the last incomplete "
                    + "batch unless data.drop_last says otherwise; EasyCV4J's default keeps it"));

    private EasyCvMapping() {}

    /** Applies the table to the known top-level keys of {@code root}; helper values are left as written. */
    static Dict apply(Dict root, Context ctx) {
        Map<String, PyValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, PyValue> e : root.map().entrySet()) {
            PyValue v = KEYS.contains(e.getKey()) ? walk(e.getValue(), e.getKey(), ctx) : e.getValue();
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        Dict d = ema(new Dict(out, root.loc()), ctx);
        for (Map.Entry<List<String>, PyValue> m : ctx.moves.entrySet()) {
            d = set(d, m.getKey(), 0, m.getValue());
        }
        for (Default def : DEFAULTS) {
            PyValue parent = d;
            for (String k : def.path().subList(0, def.path().size() - 1)) {
                parent = parent instanceof Dict pd ? pd.get(k) : null;
            }
            if (parent instanceof Dict pd && pd.get(def.path().get(def.path().size() - 1)) == null) {
                d = set(d, def.path(), 0, new Bool(def.value(), pd.loc()));
            }
        }
        return d;
    }

    /**
     * EasyCV's top-level {@code ema = dict(decay=...)}: its tools/train.py registers {@code EMAHook(decay)},
     * which this project's {@code EMAHook} in {@code custom_hooks} is (EasyCV's ramp, evaluated weights).
     */
    static Dict ema(Dict root, Context ctx) {
        if (!(root.get("ema") instanceof Dict ema)) {
            return root;
        }
        Map<String, PyValue> hook = new LinkedHashMap<>();
        hook.put("type", new Str("EMAHook", ema.loc()));
        if (ema.get("decay") != null) {
            hook.put("decay", ema.get("decay"));
        }
        for (String k : ema.map().keySet()) {
            if (!k.equals("decay")) {
                ctx.note(ema.get(k), "ema." + k, "EasyCV's tools/train.py reads only ema.decay; dropped");
            }
        }
        List<PyValue> hooks = new ArrayList<>(root.get("custom_hooks") instanceof PyList l ? l.items() : List.of());
        hooks.add(new Dict(hook, ema.loc()));
        return root.without("ema").with("custom_hooks", new PyList(hooks, ema.loc()));
    }

    private static PyValue walk(PyValue v, String path, Context ctx) {
        if (v instanceof Dict d) {
            for (Rule r : RULES) {
                if (d.typeName() != null && d.typeName().equals(r.type()) && matches(r.where(), path)) {
                    PyValue next = r.action().apply(d, path, ctx);
                    if (!(next instanceof Dict nd)) {
                        return next;
                    }
                    d = nd;
                }
            }
            Map<String, PyValue> out = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, PyValue> e : d.map().entrySet()) {
                PyValue c = walk(e.getValue(), path + "." + e.getKey(), ctx);
                changed |= c != e.getValue();
                if (c != null) {
                    out.put(e.getKey(), c);
                }
            }
            return changed ? new Dict(out, d.loc()) : d;
        }
        if (v instanceof PyList l) {
            List<PyValue> out = new ArrayList<>();
            boolean changed = false;
            for (int i = 0; i < l.items().size(); i++) {
                PyValue c = walk(l.items().get(i), path + "[" + i + "]", ctx);
                changed |= c != l.items().get(i);
                if (c != null) {
                    out.add(c);
                }
            }
            return changed ? new PyList(out, l.loc()) : l;
        }
        return v;
    }

    private static boolean matches(String where, String path) {
        return path.replaceAll("\\[\\d+]", "[]").equals(where);
    }

    private static Dict set(Dict d, List<String> path, int i, PyValue value) {
        String k = path.get(i);
        if (i == path.size() - 1) {
            return d.with(k, value);
        }
        PyValue child = d.get(k);
        Dict c = child instanceof Dict cd ? cd : new Dict(Map.of(), value.loc());
        return d.with(k, set(c, path, i + 1, value));
    }

    // ------------------------------------------------------------------ actions

    /** The keys of mmcv's TensorboardLoggerHook that EasyCV4J's reads. */
    private static final Set<String> TENSORBOARD_KEYS = Set.of("type", "log_dir", "interval");

    private static PyValue tensorboard(Dict hook, String path, Context ctx) {
        Map<String, PyValue> kept = new LinkedHashMap<>();
        for (Map.Entry<String, PyValue> e : hook.map().entrySet()) {
            if (TENSORBOARD_KEYS.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            } else {
                ctx.note(e.getValue(), path + "." + e.getKey(), "TensorboardLoggerHook reads log_dir and interval "
                        + "only; dropped");
            }
        }
        return kept.size() == hook.map().size() ? hook : new Dict(kept, hook.loc());
    }

    private static PyValue mixup(Dict model, String path, Context ctx) {
        PyValue cfg = model.get("mixup_cfg");
        Dict m = model.without("mixup_cfg").without("train_preprocess");
        if (!(cfg instanceof Dict mix)) {
            return model;
        }
        if (mix.get("mode") instanceof Str mode && !mode.value().equals("batch")) {
            ctx.note(mode, path + ".mixup_cfg.mode", "only batch mode is implemented; '" + mode.value()
                    + "' becomes batch mode");
        }
        Dict out = mix.without("mode");
        if (out.get("cutmix_minmax") instanceof None) {
            out = out.without("cutmix_minmax");
        } else if (out.get("cutmix_minmax") != null) {
            ctx.note(out.get("cutmix_minmax"), path + ".mixup_cfg.cutmix_minmax", "not implemented; dropped "
                    + "(CutMix boxes follow cutmix_alpha)");
            out = out.without("cutmix_minmax");
        }
        ctx.moves.put(List.of("data", "train", "mixup"), out);
        return m;
    }

    private static PyValue vitClassifier(Dict model, String path, Context ctx) {
        boolean vit = model.get("backbone") instanceof Dict b && ("VisionTransformer".equals(b.typeName())
                || "PytorchImageModelWrapper".equals(b.typeName()));
        // EasyCV's Classification takes pretrained = False for "none"; ViTClassifier's names a checkpoint
        if (vit && model.get("pretrained") instanceof Bool p) {
            if (p.value()) {
                ctx.note(p, path + ".pretrained", "True (EasyCV's model zoo download) has no counterpart; dropped "
                        + "(model.pretrained names the checkpoint to start from)");
            }
            model = model.without("pretrained");
        }
        if (model.get("backbone") instanceof Dict own && "VisionTransformer".equals(own.typeName())) {
            return ownHead(easyCvVit(model, own, path, ctx), path, ctx);
        }
        if (!(model.get("backbone") instanceof Dict bb) || !"PytorchImageModelWrapper".equals(bb.typeName())
                || !(bb.get("model_name") instanceof Str name)) {
            return model;
        }
        Matcher m = VIT.matcher(name.value());
        if (!m.matches()) {
            ctx.note(name, path + ".backbone.model_name", "'" + name.value() + "' is not a ViT this project "
                    + "implements; the model is kept as written");
            return model;
        }
        Loc loc = bb.loc();
        Map<String, PyValue> enc = new LinkedHashMap<>();
        enc.put("type", new Str("VisionTransformer", loc));
        enc.put("arch", new Str(m.group(1) != null ? m.group(1) : m.group(2), loc));
        enc.put("img_size", new Int(m.group(4) != null ? Long.parseLong(m.group(4)) : 224, loc));
        enc.put("patch_size", new Int(Long.parseLong(m.group(3)), loc));
        enc.put("drop_path_rate", bb.get("drop_path_rate") != null ? bb.get("drop_path_rate") : new Float(0.0, loc));
        enc.put("use_global_pool", bb.get("global_pool") != null ? bb.get("global_pool") : new Bool(false, loc));
        for (Map.Entry<String, PyValue> e : bb.map().entrySet()) {
            String k = e.getKey();
            if (Set.of("type", "model_name", "drop_path_rate", "global_pool", "num_classes").contains(k)) {
                continue;
            }
            if (k.equals("pretrained")) {
                if (e.getValue() instanceof Bool b && b.value()) {
                    ctx.note(e.getValue(), path + ".backbone.pretrained", "timm's own ImageNet weights are not "
                            + "downloaded; dropped (model.pretrained names the checkpoint to start from)");
                }
                continue;
            }
            enc.put(k, e.getValue()); // checked, with the known keys, by the dry run
        }
        Dict out = model.with("type", new Str("ViTClassifier", model.loc())).with("backbone", new Dict(enc, loc));
        if (bb.get("num_classes") != null) {
            out = out.with("num_classes", bb.get("num_classes"));
        }
        return ownHead(out, path, ctx);
    }

    /**
     * EasyCV's own VisionTransformer backbone (its DeiT configs): the same encoder keys, {@code img_size} as a
     * one-element list, {@code global_pool} (EasyCV's default false: the cls token), {@code qkv_bias = True}
     * (this encoder's) and {@code drop_rate = 0} as this encoder is; every other key is kept: layer scale,
     * {@code use_dpr_linspace} and hydra attention are this encoder's keys under EasyCV's names, and what it
     * does not have (no qkv bias, dropout) is left for validation to name.
     */
    private static Dict easyCvVit(Dict model, Dict bb, String path, Context ctx) {
        Loc loc = bb.loc();
        Map<String, PyValue> enc = new LinkedHashMap<>();
        enc.put("type", new Str("VisionTransformer", loc));
        long dim = bb.get("embed_dim") instanceof Int d ? d.value() : 768;
        long depth = bb.get("depth") instanceof Int d ? d.value() : 12;
        long heads = bb.get("num_heads") instanceof Int d ? d.value() : 12;
        String arch = "base";
        for (Map.Entry<String, org.easycv4j.models.vit.VitSettings.Preset> e
                : new java.util.TreeMap<>(org.easycv4j.models.vit.VitSettings.PRESETS).entrySet()) {
            var pr = e.getValue();
            if (pr.embedDim() == dim && pr.depth() == depth && pr.numHeads() == heads) {
                arch = e.getKey();
            }
        }
        enc.put("arch", new Str(arch, loc));
        enc.put("use_global_pool", bb.get("global_pool") != null ? bb.get("global_pool") : new Bool(false, loc));
        if (!(bb.get("qkv_bias") instanceof Bool q && q.value())) {
            enc.put("qkv_bias", bb.get("qkv_bias") != null ? bb.get("qkv_bias") : new Bool(false, loc));
        }
        for (Map.Entry<String, PyValue> e : bb.map().entrySet()) {
            String k = e.getKey();
            PyValue v = e.getValue();
            if (Set.of("type", "num_classes", "global_pool", "qkv_bias").contains(k)
                    || k.equals("drop_rate") && v instanceof Float f && f.value() == 0
                    || k.equals("drop_rate") && v instanceof Int i && i.value() == 0) {
                continue;
            }
            if (k.equals("img_size") && v instanceof PyList l && l.items().size() == 1) {
                enc.put(k, l.items().get(0));
                continue;
            }
            enc.put(k, v); // checked, with the known keys, by the dry run
        }
        Dict out = model.with("type", new Str("ViTClassifier", model.loc())).with("backbone", new Dict(enc, loc));
        if (bb.get("num_classes") != null) {
            out = out.with("num_classes", bb.get("num_classes"));
        }
        return out;
    }

    /**
     * A ClsHead without its own fc and with a (soft-target) cross-entropy loss is ViTClassifier's own head; a loss
     * that sets more than its type (EasyCV's CrossEntropyLoss with use_sigmoid, label_ceil, loss_weight) becomes
     * the classifier's {@code loss_config}, as written, so that the classifier reads or names each key.
     */
    private static Dict ownHead(Dict out, String path, Context ctx) {
        if (out.get("head") instanceof Dict head) {
            Dict lossConfig = head.get("loss_config") instanceof Dict l ? l : null;
            String loss = lossConfig != null ? lossConfig.typeName() : null;
            boolean ownHead = "ClsHead".equals(head.typeName()) && head.get("with_fc") instanceof Bool f && !f.value()
                    && (loss == null || Set.of("SoftTargetCrossEntropy", "CrossEntropyLoss").contains(loss));
            if (ownHead) {
                out = out.without("head");
                if (lossConfig != null && !Set.of("type").containsAll(lossConfig.map().keySet())) {
                    out = out.with("loss_config", lossConfig);
                }
            } else {
                ctx.note(head, path + ".head", "no counterpart for this head (ViTClassifier has its own linear "
                        + "head); kept as written");
            }
        }
        return out;
    }
}
