package org.easycv4j.core.runner;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.easycv4j.core.runner.hooks.TextLoggerHook;
import org.easycv4j.core.testing.Fixtures;
import org.easycv4j.core.testing.TestComponents;

/** Small training runs of the test linear model (base.conf, AdamW lr 0.05, a log line per iteration). */
final class TrainRuns {
    private TrainRuns() {}

    static Runner runner(Path workDir, String... sets) {
        List<String> all = new ArrayList<>(List.of("work_dir=\"" + workDir + "\"", "progress=off",
                "log_config.interval=1", "optimizer=null", "optimizer={type=AdamW, lr=0.05}"));
        all.addAll(List.of(sets));
        ExperimentLoader.Loaded l = new ExperimentLoader(TrainRuns.class.getClassLoader(), new TestComponents())
                .load(Fixtures.config("base.conf"), all, new Properties());
        return new Runner(l.experiment(), l.config(), List.of(), Fixtures.config("base.conf"));
    }

    /** The training losses of metrics.jsonl, in order. */
    static List<Double> losses(Path workDir) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(workDir.resolve(TextLoggerHook.JSON_LOG))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("mode").getAsString().equals("train")) {
                out.add(o.get("loss").getAsDouble());
            }
        }
        return out;
    }
}
