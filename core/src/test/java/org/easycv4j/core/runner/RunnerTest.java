package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.runner.hooks.TextLoggerHook;
import org.easycv4j.core.testing.Fixtures;
import org.easycv4j.core.testing.TestComponents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {

    @Test
    void trainsAndWritesResolvedConfigProvenanceAndMetrics(@TempDir Path dir) throws Exception {
        ExperimentLoader loader = new ExperimentLoader(getClass().getClassLoader(), new TestComponents());
        List<String> sets = List.of("work_dir=\"" + dir + "\"", "total_epochs=10", "log_config.interval=2",
                "optimizer.momentum=0",
                "seed=3", "progress=off");
        ExperimentLoader.Loaded loaded = loader.load(Fixtures.config("base.conf"), sets, new Properties());
        Runner.TrainResult result = new Runner(loaded.experiment(), loaded.config(), List.of("train", "base.conf"),
                Fixtures.config("base.conf")).train(false);
        assertEquals(10 * 4, result.iterations(), "64 samples / 16 per batch, 10 epochs");

        Config resolved = ConfigFactory.parseFile(dir.resolve(Runner.RESOLVED_CONFIG).toFile());
        assertEquals(10, resolved.getInt("total_epochs"));
        assertEquals(3, resolved.getInt("seed"));
        assertEquals(0.1, resolved.getDouble("optimizer.lr"), 0.0);
        assertEquals(0, resolved.getDouble("optimizer.momentum"), 0.0);

        JsonObject prov = JsonParser.parseString(Files.readString(dir.resolve(Runner.PROVENANCE))).getAsJsonObject();
        assertEquals(3, prov.get("seed").getAsLong());
        assertEquals("0.36.0", prov.get("djlVersion").getAsString());
        assertEquals("PyTorch", prov.get("engine").getAsString());
        assertEquals(System.getProperty("java.version"), prov.get("javaVersion").getAsString());
        assertEquals("[\"train\",\"base.conf\"]", prov.get("commandLine").toString());

        List<String> lines = Files.readAllLines(dir.resolve(TextLoggerHook.JSON_LOG));
        assertEquals(20, lines.size(), "a line every 2 of 4 iterations, 10 epochs");
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        JsonObject last = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
        for (String key : List.of("mode", "epoch", "iter", "lr", "loss", "time", "data_time", "memory", "eta")) {
            assertTrue(first.has(key), key + " in " + first);
        }
        assertEquals(1, first.get("epoch").getAsInt());
        assertEquals(2, first.get("iter").getAsInt());
        assertEquals(10, last.get("epoch").getAsInt());
        assertEquals(0.1, first.get("lr").getAsDouble(), 1e-12, "no lr_config: the base lr throughout");
        double l0 = first.get("loss").getAsDouble();
        double l1 = last.get("loss").getAsDouble();
        assertTrue(l1 < 0.01 * l0, "y = sum(x) + 1 is learnable exactly: loss " + l0 + " -> " + l1);
        assertEquals(20, Files.readAllLines(dir.resolve(TextLoggerHook.TEXT_LOG)).size());
    }

    @Test
    void dryRunBuildsEverythingAndWritesRecordsButDoesNotTrain(@TempDir Path dir) throws Exception {
        ExperimentLoader loader = new ExperimentLoader(getClass().getClassLoader(), new TestComponents());
        ExperimentLoader.Loaded loaded = loader.load(Fixtures.config("base.conf"),
                List.of("work_dir=\"" + dir + "\""), new Properties());
        Runner.TrainResult r = new Runner(loaded.experiment(), loaded.config(), List.of(), Fixtures.config("base.conf"))
                .train(true);
        assertEquals(0, r.iterations());
        assertTrue(Files.exists(dir.resolve(Runner.RESOLVED_CONFIG)));
        assertTrue(Files.exists(dir.resolve(Runner.PROVENANCE)));
        assertTrue(Files.notExists(dir.resolve(TextLoggerHook.JSON_LOG)));
    }

    /**
     * The lr is a function of optimizer steps: 4 batches per epoch with update_interval 3 are 2 steps (batches 0-2,
     * then 3), 4 in the run; poly by iteration gives 0.05 (1 - step / 4) to every batch of a step.
     */
    @Test
    void theLrIsScheduledPerOptimizerStep(@TempDir Path dir) throws Exception {
        TrainRuns.runner(dir, "optimizer_config.update_interval=3",
                "lr_config={policy=poly, by_epoch=false, power=1, min_lr=0}").train(false);
        List<Double> lrs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(TextLoggerHook.JSON_LOG))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("mode").getAsString().equals("train")) {
                lrs.add(o.get("lr").getAsDouble());
            }
        }
        double[] steps = {0, 0, 0, 1, 2, 2, 2, 3};
        assertEquals(steps.length, lrs.size());
        for (int i = 0; i < steps.length; i++) {
            assertEquals(0.05 * (1 - steps[i] / 4), lrs.get(i), 1e-12, "batch " + i);
        }
    }

    /** default_hooks entries are registry components: replaced by type, or switched off with null. */
    @Test
    void defaultHooksAreReplacedByTypeOrSwitchedOff(@TempDir Path dir) throws Exception {
        Path replaced = dir.resolve("replaced");
        TrainRuns.runner(replaced, "default_hooks.checkpoint.type=TestEpochMarks").train(false);
        assertTrue(Files.notExists(replaced.resolve("epoch_1")) && Files.notExists(replaced.resolve("epoch_2")),
                "no CheckpointHook");
        assertEquals(List.of("epoch_1", "epoch_2"), names(replaced.resolve("marks")));
        // Fixed lr: the replacement's services hold the run's optimizer.
        assertEquals(0.05, Double.parseDouble(Files.readString(replaced.resolve("marks/epoch_2")).split(" ")[0]),
                1e-12);

        Path off = dir.resolve("off");
        TrainRuns.runner(off, "default_hooks.checkpoint=null").train(false);
        assertTrue(Files.exists(off.resolve(TextLoggerHook.JSON_LOG)), "trained");
        assertTrue(Files.notExists(off.resolve("epoch_2")) && Files.notExists(off.resolve(CheckpointHook.LATEST)));

        Path kept = dir.resolve("kept");
        TrainRuns.runner(kept).train(false);
        assertTrue(Files.isDirectory(kept.resolve("epoch_2")), "the default CheckpointHook saves");
    }

    /** train_loop names the loop like any component; the default trains all 8 batches. */
    @Test
    void theTrainLoopIsAComponentOfTheConfig(@TempDir Path dir) throws Exception {
        Runner.TrainResult r = TrainRuns.runner(dir, "train_loop.type=TestRecordingLoop").train(false);
        assertEquals("from Position[epoch=0, epochIter=0]\n", Files.readString(dir.resolve("loop_runs")));
        assertEquals(8, r.iterations());
        assertEquals(8, TrainRuns.losses(dir).size());
    }

    /**
     * val_loop names the loop of the runner's validation and of tools/eval (Runner.evaluate): the recording loop ran
     * after each of the 2 epochs and for the checkpoint, and its metrics are the default loop's: the mean squared
     * error of the trained weights over all 24 validation samples (batches of 16 and 8, so a mean of batch means
     * would differ), computed here from the checkpoint's weights.
     */
    @Test
    void theValLoopIsAComponentOfTheConfigForValidationAndEvaluation(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("val_runs");
        Path work = dir.resolve("work");
        String[] sets = {"val_loop={type=TestRecordingValLoop, file=\"" + runs + "\"}",
                "eval_pipelines=[{mode=test, data={type=TestRegression, num_samples=24, in_features=4}}]"};
        Runner.TrainResult r = TrainRuns.runner(work, sets).train(false);
        assertEquals("pass of 2 batches, 0 evaluators\n".repeat(2), Files.readString(runs),
                "validation after each epoch, through val_loop");
        assertEquals(List.of("loss"), List.copyOf(r.lastMetrics().keySet()));
        double expected = meanSquaredError(work.resolve("epoch_2").resolve(Checkpoints.MODEL), 24);
        assertEquals(expected, r.lastMetrics().get("loss"), 1e-6 * expected);
        List<String> jsonl = Files.readAllLines(work.resolve(TextLoggerHook.JSON_LOG));
        assertEquals(2, jsonl.stream().filter(l -> JsonParser.parseString(l).getAsJsonObject().get("mode")
                .getAsString().equals("val")).count(), "both logged");

        Map<String, Double> evaluated = TrainRuns.runner(work, sets).evaluate(work.resolve("epoch_2"));
        assertEquals("pass of 2 batches, 0 evaluators\n".repeat(3), Files.readString(runs), "tools/eval too");
        assertEquals(r.lastMetrics(), evaluated);
    }

    /** The mean of (w·x + b - y)^2 over the first {@code n} TestRegression samples, with the weights of {@code file}. */
    private static double meanSquaredError(Path file, int n) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                DataLoader loader = TestComponents.regression(new TestComponents.RegressionSettings(n, 4))
                        .loader(new LoaderSettings(n, 0, false, false, 0, 0, 1, false))) {
            float[] w = null;
            float b = Float.NaN;
            for (NDArray a : SafeTensors.read(file, m).values()) {
                if (a.size() == 4) {
                    w = a.toFloatArray();
                } else {
                    b = a.toFloatArray()[0];
                }
            }
            Batch batch = loader.epoch(0, m).next();
            float[] x = batch.inputs().get(0).toFloatArray();
            float[] y = batch.labels().get(0).toFloatArray();
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double p = b;
                for (int j = 0; j < 4; j++) {
                    p += w[j] * x[i * 4 + j];
                }
                sum += (p - y[i]) * (p - y[i]);
            }
            return sum / n;
        }
    }

    /**
     * param_scheduler sets the weight decay per optimizer step: cosine from 0.1 to 0.4 over the 8 steps, so after
     * epoch 1 (step 3) and epoch 2 (step 7) the factor on the configured 0.1 is (0.4 - 0.15 (1 + cos(pi t / 8))) / 0.1.
     */
    @Test
    void paramSchedulerSetsTheWeightDecayPerOptimizerStep(@TempDir Path dir) throws Exception {
        TrainRuns.runner(dir, "optimizer={type=AdamW, lr=0.05, weight_decay=0.1}",
                "param_scheduler=[{type=CosineAnnealingParamScheduler, param_name=weight_decay, eta_min=0.4, "
                        + "by_epoch=false}]", "default_hooks.checkpoint.type=TestEpochMarks").train(false);
        for (int epoch = 1; epoch <= 2; epoch++) {
            int step = 4 * epoch - 1;
            double wd = 0.4 - 0.15 * (1 + Math.cos(Math.PI * step / 8));
            String[] mark = Files.readString(dir.resolve("marks/epoch_" + epoch)).split(" ");
            assertEquals(wd / 0.1, Double.parseDouble(mark[1]), 1e-12, "epoch " + epoch);
        }
    }

    /** A weight-decay schedule needs a weight decay to scale: refused before anything trains. */
    @Test
    void aWeightDecayScheduleOfAnOptimizerWithoutDecayIsRefused(@TempDir Path dir) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainRuns.runner(dir, "optimizer={type=AdamW, lr=0.05, weight_decay=0}",
                        "param_scheduler=[{type=CosineAnnealingParamScheduler, param_name=weight_decay, eta_min=0.4}]")
                        .train(true));
        assertEquals("param_scheduler[0] schedules weight_decay, but the optimizer's weight_decay is 0: set "
                + "optimizer.weight_decay to the value it starts from", e.getMessage());
    }

    private static List<String> names(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
