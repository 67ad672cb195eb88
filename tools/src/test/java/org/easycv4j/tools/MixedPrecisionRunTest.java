package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.optim.LossScaler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tools/train --amp} on the demo MAE config: the log carries the loss scale, checkpoints carry the
 * scaler, and a resumed fp16 run repeats the uninterrupted one loss for loss.
 */
class MixedPrecisionRunTest {
    private static final Path CONFIG = Path.of("..", "configs", "demo", "fashion_mnist",
            "mae_vit_tiny_p4_pretrain.conf");
    private static final String ROOT = "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist") + "\"";

    private static int train(Path workDir, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", CONFIG.toString(), "--work-dir", workDir.toString(),
                "--amp", "--set", ROOT, "--set", "progress=off", "--set", "custom_hooks=[]",
                "--set", "data.train.data_source.max_data_num=32", "--set", "data.imgs_per_gpu=16",
                "--set", "log_config.interval=1", "--set", "checkpoint_config.interval=1",
                // A fixed lr: the cosine schedule depends on total_epochs, which the two-part run changes.
                "--set", "lr_config=null", "--set", "lr_config={policy=Fixed}",
                // Overflows at 2^20 halve the scale step by step (weights untouched); two good steps double it.
                "--set", "amp_config={init_scale=1048576, growth_interval=2}"));
        args.addAll(List.of(extra));
        return Main.run(args.toArray(String[]::new));
    }

    private static List<JsonObject> trainRecords(Path workDir) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(workDir.resolve("metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("mode").getAsString().equals("train")) {
                out.add(o);
            }
        }
        return out;
    }

    @Test
    void ampRunsLogAndCheckpointTheScaleAndResumeExactly(@TempDir Path dir) throws Exception {
        Path full = dir.resolve("full");
        assertEquals(0, train(full, "--set", "total_epochs=3"));
        List<JsonObject> a = trainRecords(full);
        assertEquals(6, a.size());
        List<Double> scales = a.stream().map(r -> r.get("loss_scale").getAsDouble()).toList();
        assertTrue(scales.get(0) < 1048576, "the first step overflows and backs off: " + scales);
        assertTrue(scales.get(5) > scales.get(4), "two good steps in a row grow the scale: " + scales);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> opt = SafeTensors.read(full.resolve("epoch_3").resolve(Checkpoints.OPTIMIZER), m);
            assertEquals(a.get(5).get("loss_scale").getAsDouble(), opt.get(LossScaler.SCALE_KEY).getFloat(0), 0.0);
        }

        Path part = dir.resolve("part");
        assertEquals(0, train(part, "--set", "total_epochs=1"));
        assertEquals(0, train(part, "--set", "total_epochs=3", "--resume-from", part.resolve("epoch_1").toString()));
        List<JsonObject> b = trainRecords(part);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("loss").getAsDouble(), b.get(i).get("loss").getAsDouble(), 0.0, "loss " + i);
            assertEquals(scales.get(i), b.get(i).get("loss_scale").getAsDouble(), 0.0, "scale " + i);
        }
    }
}
