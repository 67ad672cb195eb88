package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EMAHook with evaluate = true: validation during training is that of the averaged weights. */
class EmaRunTest {
    private static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf");

    private static JsonObject metrics(Path json) throws Exception {
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonObject("metrics");
    }

    @Test
    void validationDuringTrainingEvaluatesTheAverage(@TempDir Path dir) throws Exception {
        CliRun.Result r = CliRun.run("train", TOY.toString(), "--work-dir", dir.toString(), "--set", "total_epochs=2",
                "--set", "progress=off", "--set", "custom_hooks=[{type=EMAHook, decay=0.9, warmup_iters=0}]");
        assertEquals(0, r.code(), r.err());
        JsonObject lastVal = null;
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            if (line.contains("\"mode\":\"val\"")) {
                lastVal = JsonParser.parseString(line).getAsJsonObject();
            }
        }
        Path ema = dir.resolve("ema.json");
        assertEquals(0, CliRun.run("eval", TOY.toString(), dir.resolve("epoch_2/ema.safetensors").toString(), "--out",
                ema.toString()).code());
        Path raw = dir.resolve("raw.json");
        assertEquals(0, CliRun.run("eval", TOY.toString(), dir.resolve("epoch_2").toString(), "--out",
                raw.toString()).code());
        assertEquals(lastVal.get("loss").getAsDouble(), metrics(ema).get("loss").getAsDouble(), 1e-6,
                "the logged validation is the average's");
        assertNotEquals(metrics(raw).get("loss").getAsDouble(), metrics(ema).get("loss").getAsDouble(),
                "the trained weights evaluate differently");
    }
}
