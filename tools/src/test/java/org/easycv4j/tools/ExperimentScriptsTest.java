package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.dist.MpiRun;
import org.easycv4j.core.runner.ExperimentLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fashion-MNIST experiment scripts (tools/fashion-mnist-pretrain-curve, tools/fashion-mnist-low-label, the
 * searches and their shared tools/lib/fmnist-experiment.sh): bad arguments and settings are one error line and exit 2 before
 * anything starts; the configs the library writes load, split the global batch between the ranks and evaluate on
 * the split asked for.
 */
class ExperimentScriptsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String DEMO = ROOT.resolve("demo/fashion-mnist").toString();
    private static final Path LIB = ROOT.resolve("tools/lib/fmnist-experiment.sh");

    private record Run(int code, String out, String err) {}

    private static Run bash(Path dir, Map<String, String> env, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash"));
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().putAll(env);
        pb.environment().put("OUT_DIR", dir.resolve("out").toString());
        Files.createDirectories(dir);
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void refused(Path dir, Map<String, String> env, String expected, String... command)
            throws Exception {
        Run r = bash(dir, env, command);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(expected), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing may start: " + dir.resolve("out"));
    }

    @Test
    void badArgumentsAndSettingsAreOneLineAndStartNothing(@TempDir Path dir) throws Exception {
        String curve = "tools/fashion-mnist-pretrain-curve";
        String low = "tools/fashion-mnist-low-label";
        Map<String, String> none = Map.of();
        refused(dir, none, "EPOCHS_LIST", curve, "10,,25");
        refused(dir, none, "EPOCHS_LIST", curve, "0");
        refused(dir, none, "FINETUNE_EPOCHS", curve, "10", "2.5");
        refused(dir, none, "LINPROBE_EPOCHS", curve, "10", "5", "x");
        refused(dir, Map.of("KNN_INTERVAL", "0"), "KNN_INTERVAL", curve, "10");
        refused(dir, Map.of("EVAL_SPLIT", "train"), "EVAL_SPLIT: expected test or val", curve, "10");
        refused(dir, Map.of("RANKS", "two"), "RANKS", curve, "10");
        refused(dir, Map.of("AMP", "fp8"), "AMP: expected bf16, none or auto", curve, "10");
        refused(dir, Map.of("SEEDS", "0;1"), "SEEDS", curve, "10");
        refused(dir, Map.of("PRETRAIN_LR", "fast"), "PRETRAIN_LR: expected a positive number", curve, "10");
        String search = "tools/fashion-mnist-pretrain-search";
        refused(dir, none, "PRETRAIN_EPOCHS", search, "0");
        refused(dir, Map.of("LINPROBE_EPOCHS", "1.5"), "LINPROBE_EPOCHS", search, "10");
        refused(dir, none, "PRETRAIN_EPOCHS", low, "ten");
        refused(dir, none, "FINETUNE_EPOCHS", low, "10", "-1");
        refused(dir, none, "ENCODER: no checkpoint folder", "tools/fashion-mnist-finetune-search", "/nonexistent");
        Path encoder = Files.createDirectories(dir.resolve("encoder"));
        Files.write(encoder.resolve("model.safetensors"), new byte[0]);
        refused(dir, Map.of("FINETUNE_EPOCHS", "0"), "FINETUNE_EPOCHS", "tools/fashion-mnist-finetune-search",
                encoder.toString());
        refused(dir, Map.of("STAGE", "pretrain"), "STAGE: expected finetune or linprobe",
                "tools/fashion-mnist-finetune-search", encoder.toString());
        Run help = bash(dir, none, curve, "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("EPOCHS_LIST"), help.out());
    }

    /** The library's configs, written with the given settings, then loaded as tools/train would. */
    private static Map<String, Config> configs(Path dir, Map<String, String> env) throws Exception {
        Path out = dir.resolve("configs");
        Run r = bash(dir, env, "-c", ". \"$0\" && fm_write_configs \"$1\" 10 100 90 5", LIB.toString(),
                out.toString());
        assertEquals(0, r.code(), r.err());
        // The evaluation stages get their encoder from the sweep (--then); none here.
        return Map.of("pretrain", load(out.resolve("pretrain.conf"), List.of()),
                "finetune", load(out.resolve("finetune.conf"), List.of("model.pretrained=null")),
                "linprobe", load(out.resolve("linprobe.conf"), List.of("model.pretrained=null")));
    }

    private static Config load(Path file, List<String> overrides) throws IOException {
        return new ExperimentLoader().load(file, overrides, System.getProperties()).config();
    }

    @Test
    void theConfigsSplitTheGlobalBatchBetweenRanksAndEvaluateOnTheSplitAskedFor(@TempDir Path dir)
            throws Exception {
        assumeTrue(MpiRun.available(), "RANKS=2 needs mpirun (apt-get install openmpi-bin libopenmpi-dev)");
        Map<String, Config> two = configs(dir, Map.of("RANKS", "2", "AMP", "bf16", "EVAL_SPLIT", "val",
                "FMNIST_ROOT", DEMO));
        assertEquals(64, two.get("pretrain").getInt("data.imgs_per_gpu"));
        assertEquals(32, two.get("finetune").getInt("data.imgs_per_gpu"));
        assertEquals(64, two.get("linprobe").getInt("data.imgs_per_gpu"));
        assertEquals("bf16", two.get("finetune").getString("amp"));
        assertEquals(10, two.get("pretrain").getInt("total_epochs"));
        assertEquals(100, two.get("finetune").getInt("total_epochs"));
        // The validation split: training images [50000, 60000), for the fine-tune's evaluation and the kNN queries.
        for (String path : List.of("data.val.data_source", "eval_pipelines.0.data.data_source")) {
            Config src = path.startsWith("eval") ? two.get("finetune").getConfigList("eval_pipelines").get(0)
                    .getConfig("data.data_source") : two.get("finetune").getConfig(path);
            assertEquals("train", src.getString("split"), path);
            assertEquals(50000, src.getInt("start"), path);
            assertEquals(10000, src.getInt("max_data_num"), path);
        }
        Config knn = two.get("pretrain").getConfigList("custom_hooks").stream()
                .filter(h -> h.getString("type").equals("KNNEvalHook")).findFirst().orElseThrow();
        assertEquals(50000, knn.getInt("query.data_source.start"));
        assertEquals(1000, knn.getInt("bank.data_source.max_data_num"));
        assertEquals(5, knn.getInt("interval"));
        // The recipe's defaults (docs/results.md) and the knobs the searches vary.
        assertEquals(3e-3, two.get("pretrain").getDouble("optimizer.lr"), 0);
        assertEquals(List.of(0.8, 1.0), two.get("finetune").getDoubleList("vars.ft.crop_scale"));
        Config crop = two.get("finetune").getConfigList("data.train.pipeline").get(0);
        assertEquals("RandomResizedCrop", crop.getString("type"));
        assertEquals(List.of(0.8, 1.0), crop.getDoubleList("scale"));
        assertEquals(two.get("linprobe").getDoubleList("vars.lp.crop_scale"),
                two.get("linprobe").getConfigList("data.train.pipeline").get(0).getDoubleList("scale"));
        Run pixels = bash(dir.resolve("px"), Map.of("EVAL_SPLIT", "val"), "-c",
                ". \"$0\" && echo \"${fm_pixel_eval[*]}\"", LIB.toString());
        assertEquals("--eval-start 50000 --eval-count 10000", pixels.out().strip(), pixels.err());

        Map<String, Config> one = configs(dir.resolve("one"), Map.of("RANKS", "1", "AMP", "none",
                "FMNIST_ROOT", DEMO, "PRETRAIN_LR", "1.5e-4"));
        assertEquals(1.5e-4, one.get("pretrain").getDouble("optimizer.lr"), 0);
        assertEquals(128, one.get("pretrain").getInt("data.imgs_per_gpu"));
        assertEquals(64, one.get("finetune").getInt("data.imgs_per_gpu"));
        assertEquals("none", one.get("pretrain").getString("amp"));
        assertEquals("test", one.get("finetune").getString("data.val.data_source.split"));
        assertFalse(one.get("finetune").hasPath("data.val.data_source.start"));

        Run odd = bash(dir.resolve("odd"), Map.of("RANKS", "3", "FMNIST_ROOT", DEMO), "-c",
                ". \"$0\" && fm_write_configs \"$1\" 10 100 90 5", LIB.toString(), dir.resolve("odd/c").toString());
        assertEquals(2, odd.code(), odd.err());
        assertTrue(odd.err().contains("RANKS=3 does not divide the batch of 128"), odd.err());
    }
}
