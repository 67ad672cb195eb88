package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/convert-config on fixtures with the content of EasyCV's MAE pretraining and ViT lr-decay 0.65
 * fine-tuning configs: the translations dry-run, and their parameter groups are the shipped ports'.
 */
class ConvertConfigTest {
    private static final Path EASYCV = Path.of("src", "test", "resources", "easycv");
    private static final Path MAE_400E = EASYCV.resolve("configs/selfsup/mae/mae_vit_base_patch16_8xb64_400e.py");
    private static final Path FINETUNE = EASYCV.resolve(
            "benchmarks/selfsup/classification/imagenet/mae_vit_base_patch16_8xb64_100e_lrdecay065_fintune.py");
    private static final Path PORTS = Path.of("..", "configs");

    @TempDir
    static Path imagenet;

    /** A miniature ImageNet in EasyCV's layout (ShippedConfigsTest's, each labelled image listed once). */
    @BeforeAll
    static void fakeImageNet() throws IOException {
        ShippedConfigsTest.writeFakeImageNet(imagenet, 1);
    }

    private static String q(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\") + "\"";
    }

    private static CliRun.Result convert(Path py, Path out) {
        return CliRun.run("convert-config", py.toString(), "--out", out.toString());
    }

    private static CliRun.Result dryRun(Path conf, Path work, String... sets) {
        List<String> a = new ArrayList<>(List.of("train", conf.toString(), "--dry-run", "--work-dir",
                work.toString()));
        for (String s : sets) {
            a.add("--set");
            a.add(s);
        }
        return CliRun.run(a.toArray(String[]::new));
    }

    /** name -> {trainable, layer_id, lr_scale, weight_decay, shape} of a run's param_groups.json. */
    private static Map<String, JsonObject> rows(Path work) throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(work.resolve("param_groups.json"))).getAsJsonObject();
        Map<String, JsonObject> m = new LinkedHashMap<>();
        for (JsonElement e : root.getAsJsonArray("parameters")) {
            JsonObject o = e.getAsJsonObject().deepCopy();
            m.put(o.remove("name").getAsString(), o);
        }
        return m;
    }

    @Test
    void maePretrainingTranslatesDryRunsAndMatchesThePort(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("mae_400e.conf");
        CliRun.Result c = convert(MAE_400E, conf);
        assertEquals(0, c.code(), c.err());
        assertFalse(c.err().contains("not translated"), c.err()); // everything has a counterpart
        String hocon = Files.readString(conf);
        // _base_ chain: 400e over 1600e over base.py; names become substitutions of vars.
        assertTrue(hocon.contains("total_epochs = 400"), hocon);
        assertTrue(hocon.contains("lr = 0.0024"), hocon); // 1.5e-4 * (64 * 8 * 8) / 256
        assertTrue(hocon.contains("mean = ${vars.img_norm_cfg.mean}"), hocon);
        assertTrue(hocon.contains("workflow = [[\"train\", 1]]"), hocon);
        assertTrue(hocon.contains("drop_last = true"), hocon); // EasyCV's default, not EasyCV4J's
        // what is still to set: the data paths with EasyCV's values, the lr's batch (64 x 8 GPUs x update_interval 8)
        assertTrue(c.err().contains("to set before training:\n  data path vars.data_train_list = "
                + "\"data/imagenet/meta/train.txt\"\n  data path vars.data_train_root = \"data/imagenet\"\n"), c.err());
        assertTrue(c.err().contains("optimizer.lr = 0.0024 is EasyCV's absolute lr for its global batch of 4096 "
                + "(imgs_per_gpu 64 x 8 GPUs (\"8xb64\" in the file name) x update_interval 8); set "
                + "optimizer.base_batch_size = 4096"), c.err());
        assertTrue(hocon.contains("# To set before training:\n#   data path vars.data_train_list"), hocon);

        Path work = dir.resolve("work");
        CliRun.Result r = dryRun(conf, work, "vars.data_train_list=" + q(imagenet.resolve("meta/train.txt")),
                "vars.data_train_root=" + q(imagenet));
        assertEquals(0, r.code(), r.err());
        // base.py's runtime keys: accepted, the ones without effect named in one note.
        List<String> note = (r.out() + r.err()).lines().filter(l -> l.contains("EasyCV keys without effect")).toList();
        assertEquals(1, note.size(), r.out() + r.err());
        assertTrue(note.get(0).endsWith("ignored: workflow, train_cfg, test_cfg (docs/config.md, EasyCV "
                + "compatibility)"), note.get(0));
        Path port = dir.resolve("port");
        CliRun.Result p = dryRun(PORTS.resolve("selfsup/mae/mae_vit_base_patch16_8xb64_400e.conf"), port,
                "vars.imagenet_root=" + q(imagenet));
        assertEquals(0, p.code(), p.err());
        Map<String, JsonObject> translated = rows(work);
        assertEquals(rows(port), translated);
        assertEquals(0.0, translated.get("mask_token").get("weight_decay").getAsDouble());
        assertEquals(0.05, translated.get("blocks.0.attn.qkv.weight").get("weight_decay").getAsDouble());
    }

    /**
     * A ViT classification config in EasyCV's format with what EasyCV's ImageNet ViT configs use (a class_list
     * of names, MMAutoAugment, a lower-case lr policy, ClsEvaluator's class_list, comprehensions, f-strings):
     * it translates and dry-runs with its data paths as the only change.
     */
    @Test
    void aVitClassificationConfigInEasyCvsFormatDryRunsWithOnlyItsDataPathsSet(@TempDir Path dir) throws IOException {
        Path py = Path.of("src", "test", "resources", "easycv-format", "vit", "vit_tiny_patch16_mmautoaug_4xb8.py");
        Path conf = dir.resolve("vit.conf");
        CliRun.Result c = convert(py, conf);
        assertEquals(0, c.code(), c.err());
        String hocon = Files.readString(conf);
        // round(x * 255) over the mean reversed, as EasyCV's DeiT configs compute pad_val
        assertTrue(hocon.contains("type = \"MMAutoAugment\"\n      hparams { pad_val = [104, 116, 124] }"), hocon);
        assertTrue(hocon.contains("policy = \"step\""), hocon);
        assertTrue(hocon.contains("class_list = [\n    \"0\"\n    \"1\"\n"), hocon);
        assertTrue(hocon.contains("\"999\"\n  ]"), hocon);
        List<String> toSet = c.err().lines().dropWhile(l -> !l.equals("to set before training:")).skip(1).toList();
        assertEquals(List.of(
                "  data path vars.data_train_list = \"data/imagenet_raw/meta/train_labeled.txt\"",
                "  data path vars.data_train_root = \"data/imagenet_raw/train/\"",
                "  data path vars.data_test_list = \"data/imagenet_raw/meta/val_labeled.txt\"",
                "  data path vars.data_test_root = \"data/imagenet_raw/validation/\"",
                "  optimizer.lr = 0.003 is EasyCV's absolute lr for its global batch of 64 (imgs_per_gpu 8 x 4 GPUs "
                        + "(\"4xb8\" in the file name) x update_interval 2); set optimizer.base_batch_size = 64 to "
                        + "scale it to your global batch (lr x your batch / 64)"), toSet);
        CliRun.Result r = dryRun(conf, dir.resolve("work"),
                "vars.data_train_list=" + q(imagenet.resolve("meta/train_labeled.txt")),
                "vars.data_train_root=" + q(imagenet.resolve("train")),
                "vars.data_test_list=" + q(imagenet.resolve("meta/val_labeled.txt")),
                "vars.data_test_root=" + q(imagenet.resolve("validation")));
        assertEquals(0, r.code(), r.err());
    }

    /**
     * DeiT III's recipe in EasyCV's format (binary cross-entropy head, ThreeAugment, Lamb, repeated augmentation)
     * translates and dry-runs with its data paths as the only change; repeated augmentation keeps
     * floor(N / 256) * 256 samples, so the 64 listed images are refused with a line naming the key, the list
     * written four times is not.
     */
    @Test
    void aDeitIiiRecipeInEasyCvsFormatDryRunsWithOnlyItsDataPathsSet(@TempDir Path dir) throws IOException {
        Path py = Path.of("src", "test", "resources", "easycv-format", "deit", "deitiii_tiny_threeaug_lamb_4xb8.py");
        Path conf = dir.resolve("deit3.conf");
        CliRun.Result c = convert(py, conf);
        assertEquals(0, c.code(), c.err());
        String hocon = Files.readString(conf);
        assertTrue(hocon.contains("loss_config { type = \"CrossEntropyLoss\", use_sigmoid = true, loss_weight = 1.0, "
                + "label_ceil = true }"), hocon);
        assertTrue(hocon.contains("use_repeated_augment_sampler = true"), hocon);
        assertTrue(hocon.contains("type = \"Lamb\""), hocon);
        assertTrue(hocon.contains("{ type = \"MMAutoAugment\", policies = ${vars.three_augment_policies} }"), hocon);

        List<String> listed = Files.readAllLines(imagenet.resolve("meta/train_labeled.txt"));
        assertEquals(64, listed.size());
        List<String> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.addAll(listed);
        }
        Path list256 = Files.write(dir.resolve("train_256.txt"), four);
        String[] paths = {"vars.data_train_root=" + q(imagenet.resolve("train")),
            "vars.data_test_list=" + q(imagenet.resolve("meta/val_labeled.txt")),
            "vars.data_test_root=" + q(imagenet.resolve("validation"))};
        List<String> sets = new ArrayList<>(List.of(paths));
        sets.add("vars.data_train_list=" + q(list256));
        Path work = dir.resolve("work");
        CliRun.Result r = dryRun(conf, work, sets.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Map<String, JsonObject> groups = rows(work);
        assertEquals(0.05, groups.get("blocks.0.attn.qkv.weight").get("weight_decay").getAsDouble());
        assertEquals(0.0, groups.get("blocks.0.attn.qkv.bias").get("weight_decay").getAsDouble());

        sets.set(sets.size() - 1, "vars.data_train_list=" + q(imagenet.resolve("meta/train_labeled.txt")));
        CliRun.Result few = dryRun(conf, dir.resolve("few"), sets.toArray(String[]::new));
        assertEquals(Main.USER_ERROR, few.code(), few.err());
        assertTrue(few.err().contains("data.use_repeated_augment_sampler = true keeps floor(64 / 256) * 256 / 1 = 0 "
                + "samples per rank"), few.err());
        assertFalse(few.err().contains("\tat "), "no stack trace: " + few.err());
    }

    /**
     * EasyCV's own VisionTransformer with its DeiT / DeiT III options (hydra attention in the last 8 blocks,
     * layer scale, use_dpr_linspace = False): the keys are the classifier's own, so the translation dry-runs with
     * its data paths as the only change, and the model has EasyCV's gamma_1 / gamma_2 in every block.
     */
    @Test
    void deitOptionsTranslateAndDryRun(@TempDir Path dir) throws IOException {
        Path py = Path.of("src", "test", "resources", "easycv-format", "deit", "deit_tiny_hydra_layerscale_4xb8.py");
        Path conf = dir.resolve("deit.conf");
        CliRun.Result c = convert(py, conf);
        assertEquals(0, c.code(), c.err());
        String hocon = Files.readString(conf);
        for (String kept : List.of("hydra_attention = true", "hydra_attention_layers = 8", "use_layer_scale = true",
                "use_dpr_linspace = false")) {
            assertTrue(hocon.contains(kept), kept + " in " + hocon);
        }
        Path work = dir.resolve("work");
        CliRun.Result r = dryRun(conf, work,
                "vars.data_train_list=" + q(imagenet.resolve("meta/train_labeled.txt")),
                "vars.data_train_root=" + q(imagenet.resolve("train")),
                "vars.data_test_list=" + q(imagenet.resolve("meta/val_labeled.txt")),
                "vars.data_test_root=" + q(imagenet.resolve("validation")));
        assertEquals(0, r.code(), r.err());
        Map<String, JsonObject> rows = rows(work);
        List<String> gammas = rows.keySet().stream().filter(n -> n.contains(".gamma_")).toList();
        assertEquals(24, gammas.size(), gammas.toString());
        assertTrue(gammas.containsAll(List.of("blocks.0.gamma_1", "blocks.11.gamma_2")), gammas.toString());
        assertEquals("[192]", rows.get("blocks.11.gamma_2").get("shape").toString());
    }

    /**
     * The fine-tuning translation has the shipped port's parameter groups. One documented difference: EasyCV's
     * regexes give cls_token and pos_embed no lr_mult (lr x 1), the port's layer_decay the MAE repository's
     * 0.65^13.
     */
    @Test
    void vitFineTuningTranslatesDryRunsAndHasThePortsParameterGroups(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("finetune.conf");
        CliRun.Result c = convert(FINETUNE, conf);
        assertEquals(0, c.code(), c.err());
        String[] notes = c.err().lines().filter(l -> l.startsWith("not translated: ")).toArray(String[]::new);
        assertEquals(1, notes.length, c.err());
        assertTrue(notes[0].contains("_fintune.py:25: model.backbone.pretrained"), notes[0]);
        String hocon = Files.readString(conf);
        assertTrue(hocon.contains("type = TensorboardLoggerHook") || hocon.contains("type = \"TensorboardLoggerHook\""),
                "EasyCV's TensorBoard logger is kept: " + hocon);
        assertTrue(hocon.contains("Not translated:"), hocon);
        assertTrue(hocon.contains("data = ${data.val}"), hocon);
        assertTrue(hocon.contains("\"\\\\.0\\\\.\" { lr_mult = "), hocon);

        String[] sets = {"vars.data_train_list=" + q(imagenet.resolve("meta/train_labeled.txt")),
            "vars.data_train_root=" + q(imagenet.resolve("train")),
            "vars.data_test_list=" + q(imagenet.resolve("meta/val_labeled.txt")),
            "vars.data_test_root=" + q(imagenet.resolve("validation")), "model.pretrained=null"};
        Path work = dir.resolve("work");
        CliRun.Result r = dryRun(conf, work, sets);
        assertEquals(0, r.code(), r.err());
        Path port = dir.resolve("port");
        CliRun.Result p = dryRun(PORTS.resolve(
                "classification/imagenet/vit/mae_vit_base_patch16_8xb64_100e_lrdecay065_finetune.conf"), port,
                "vars.imagenet_root=" + q(imagenet), "model.pretrained=null");
        assertEquals(0, p.code(), p.err());

        Map<String, JsonObject> translated = rows(work);
        Map<String, JsonObject> shipped = rows(port);
        assertEquals(shipped.keySet(), translated.keySet());
        assertEquals(152, translated.size());
        for (String name : shipped.keySet()) {
            JsonObject a = translated.get(name);
            JsonObject b = shipped.get(name);
            if (name.equals("cls_token") || name.equals("pos_embed")) {
                assertEquals(1.0, a.get("lr_scale").getAsDouble(), name);
                assertEquals(Math.pow(0.65, 13), b.get("lr_scale").getAsDouble(), 1e-12, name);
                a.remove("lr_scale");
                b.remove("lr_scale");
            } else {
                assertEquals(b.get("lr_scale").getAsDouble(), a.get("lr_scale").getAsDouble(), 1e-12, name);
                a.remove("lr_scale");
                b.remove("lr_scale");
            }
            assertEquals(b, a, name);
        }
        assertEquals(0.0, translated.get("blocks.3.norm2.weight").get("weight_decay").getAsDouble());
        assertEquals(0.01, translated.get("blocks.3.mlp.fc1.weight").get("weight_decay").getAsDouble());
    }

    @Test
    void constructsOutsideTheSubsetFailWithEveryLineAndWriteNothing(@TempDir Path dir) throws IOException {
        Path py = dir.resolve("bad.py");
        Files.writeString(py, "import os\nroot = os.environ['DATA']\nmodel = dict(type='MAE')\n"
                + "lr = get_lr()\n");
        Path out = dir.resolve("bad.conf");
        CliRun.Result r = convert(py, out);
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("error: 3 problems reading " + py), r.err());
        assertTrue(r.err().contains("bad.py:1: 'import'"), r.err());
        assertTrue(r.err().contains("bad.py:2: name 'os' is not assigned earlier"), r.err());
        assertTrue(r.err().contains("bad.py:4: call of 'get_lr'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(out));
        CliRun.Result none = convert(dir.resolve("none.py"), out);
        assertEquals(Main.USER_ERROR, none.code());
        assertTrue(none.err().startsWith("error: " + dir.resolve("none.py") + ": no such file"), none.err());
    }

    /** mmcv's TensorboardLoggerHook keeps the keys EasyCV4J's reads; the others are dropped with their line. */
    @Test
    void tensorboardLoggerKeepsLogDirAndIntervalAndNotesTheRest(@TempDir Path dir) throws IOException {
        Path py = dir.resolve("tb.py");
        Files.writeString(py, "log_config = dict(interval=5, hooks=[\n    dict(type='TextLoggerHook'),\n"
                + "    dict(type='TensorboardLoggerHook', log_dir='tb', interval=20, by_epoch=False)])\n");
        Path out = dir.resolve("tb.conf");
        CliRun.Result c = convert(py, out);
        assertEquals(0, c.code(), c.err());
        assertTrue(c.err().contains("tb.py:3: log_config.hooks[1].by_epoch: TensorboardLoggerHook reads log_dir and "
                + "interval only; dropped"), c.err());
        com.typesafe.config.Config conf = com.typesafe.config.ConfigFactory.parseFile(out.toFile());
        com.typesafe.config.Config hook = conf.getConfigList("log_config.hooks").get(1);
        assertEquals("TensorboardLoggerHook", hook.getString("type"));
        assertEquals("tb", hook.getString("log_dir"));
        assertEquals(20, hook.getInt("interval"));
        assertFalse(hook.hasPath("by_epoch"));
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithForce(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("mine.conf");
        Files.writeString(out, "# edited by hand\n");
        CliRun.Result r = convert(MAE_400E, out);
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains(out + " exists; pass --force to replace it"), r.err());
        assertEquals("# edited by hand\n", Files.readString(out));
        CliRun.Result f = CliRun.run("convert-config", MAE_400E.toString(), "--out", out.toString(), "--force");
        assertEquals(0, f.code(), f.err());
        assertTrue(Files.readString(out).contains("total_epochs = 400"));
        CliRun.Result stdout = CliRun.run("convert-config", MAE_400E.toString());
        assertEquals(Files.readString(out), stdout.out());
    }

    @Test
    void unusedHelperNamesAreNotedAndTheRootCanBeGiven(@TempDir Path dir) throws IOException {
        Path py = dir.resolve("cfg.py");
        Files.writeString(py, "_base_ = 'configs/base.py'\nextra = dict(decay=0.9999)\nwidth = 8\n"
                + "model = dict(type='ToyMLP', hidden=width)\n");
        CliRun.Result r = CliRun.run("convert-config", py.toString(), "--easycv-root", EASYCV.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("cfg.py:2: extra: not a key EasyCV4J reads and not used by another value; kept "
                + "under vars, without effect"), r.err());
        assertFalse(r.err().contains("width:"), r.err());
        assertTrue(r.out().contains("hidden = ${vars.width}"), r.out());
        assertTrue(r.out().contains("log_level = \"INFO\""), r.out()); // from the root's configs/base.py
        CliRun.Result missing = CliRun.run("convert-config", py.toString());
        assertEquals(Main.USER_ERROR, missing.code());
        assertTrue(missing.err().contains("cfg.py:1: _base_ file configs/base.py not found (paths starting with "
                + "configs/ or benchmarks/ are taken from the EasyCV repository root: pass --easycv-root)"),
                missing.err());
    }
}
