package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.testing.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpu-check} on a machine without a GPU: one line and exit 2; with {@code --allow-cpu} the whole command
 * runs on the CPU (the smoke then compares the CPU with itself, so fp32 must agree exactly) and writes its report.
 */
class GpuCheckCommandTest {

    @TempDir
    Path tmp;

    @Test
    void withoutAGpuItSaysSoInOneLine() {
        CliRun.Result r = CliRun.run("gpu-check", "--out", tmp.resolve("r.json").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("error: gpu-check: no GPU usable here (CPU-only libtorch (EASYCV4J_TORCH=cpu) and no GPU "
                + "found); nothing to check", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("r.json")));
        CliRun.Result cpu = CliRun.run("gpu-check", "--device", "cpu", "--out", tmp.resolve("r.json").toString());
        assertEquals(2, cpu.code(), "cpu needs --allow-cpu");
    }

    @Test
    void onTheCpuTheWholeCommandRunsAndWritesItsReport() throws Exception {
        Path out = tmp.resolve("report.json");
        CliRun.Result r = CliRun.run("gpu-check", "--device", "cpu", "--allow-cpu", "--model", "small32",
                "--smoke-model", "small32", "--smoke-batch", "2", "--smoke-steps", "2", "--batches", "2",
                "--amps", "none", "--fused-attn", "true,false", "--steps", "1", "--warmup", "1",
                "--sections", "smoke,train,allreduce", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonObject report = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals("cpu()", report.get("device").getAsString());
        assertFalse(report.get("syncCounter").getAsBoolean(), "nothing preloaded into the test JVM");

        JsonArray smoke = report.getAsJsonArray("smoke");
        assertEquals(2, smoke.size());
        JsonObject fp32 = smoke.get(0).getAsJsonObject();
        assertEquals("fp32", fp32.get("amp").getAsString());
        assertEquals(2, fp32.getAsJsonArray("cpu").size());
        // The same device, weights, noise and batches: the same numbers.
        assertEquals(0.0, fp32.get("maxLossRelDiff").getAsDouble());
        assertEquals(0.0, fp32.get("maxNormRelDiff").getAsDouble());
        assertEquals(fp32.getAsJsonArray("cpu"), fp32.getAsJsonArray("gpu"));
        assertTrue(fp32.get("pass").getAsBoolean());
        JsonObject bf16 = smoke.get(1).getAsJsonObject();
        assertEquals("bf16", bf16.get("amp").getAsString());
        double d = bf16.get("maxLossRelDiff").getAsDouble();
        assertTrue(d > 0 && d <= bf16.get("lossTolerance").getAsDouble(), "bf16 differs a little: " + d);

        JsonArray train = report.getAsJsonArray("train");
        assertEquals(2, train.size());
        Set<Boolean> fused = new HashSet<>();
        for (JsonElement e : train) {
            JsonObject t = e.getAsJsonObject();
            assertEquals("ok", t.get("status").getAsString());
            assertEquals(2, t.get("batch").getAsInt());
            assertEquals(2 * 1000.0 / t.get("msPerStep").getAsDouble(), t.get("imgPerS").getAsDouble(), 1e-6);
            assertEquals(-1.0, t.get("syncsPerStep").getAsDouble(), "unknown, not assumed zero");
            assertTrue(Double.isFinite(t.get("finalLoss").getAsDouble()) && t.get("finalLoss").getAsDouble() > 0);
            fused.add(t.get("fusedAttn").getAsBoolean());
        }
        assertEquals(Set.of(true, false), fused);
        assertEquals(0, report.getAsJsonArray("allreduce").size(), "no NCCL without a GPU");
        assertTrue(r.out().contains("allreduce: skipped (NCCL needs a GPU)"), r.out());
    }

    @Test
    void theTwinsResultLinesAreParsed() {
        Map<String, String> f = GpuCheckCommand.fields("RESULT pytorch preset=vitb16 device=cuda batch=256 amp=bf16 "
                + "attn=sdpa compile=0 median_ms=72.4 img_per_s=3535.9 peak_mem_mb=20480 syncs_per_step=1.00");
        assertEquals("pytorch", f.get("side"));
        assertEquals("256", f.get("batch"));
        assertEquals("sdpa", f.get("attn"));
        assertEquals("3535.9", f.get("img_per_s"));
        assertEquals("1.00", f.get("syncs_per_step"));
        assertEquals(11, f.size());
    }

    @Test
    void theTargetsAreJudgedAgainstTheSameConfigurationOfPyTorch() {
        var train = java.util.List.of(
                new GpuCheckCommand.TrainResult(256, "bf16", true, "ok", 70, 3657.1, 20000, 1.0, 0.5),
                new GpuCheckCommand.TrainResult(256, "none", true, "ok", 300, 850, 30000, 2.0, 0.5),
                new GpuCheckCommand.TrainResult(256, "fp16", false, "ok", 80, 3200, 20000, 1.0, 0.5),
                new GpuCheckCommand.TrainResult(64, "bf16", true, "oom", 0, 0, 0, -1, 0));
        var twin = java.util.List.of(new GpuCheckCommand.TwinResult("eager", "pytorch 2.11", java.util.List.of(
                GpuCheckCommand.fields("RESULT pytorch batch=256 amp=bf16 attn=sdpa compile=0 img_per_s=3525.0"),
                GpuCheckCommand.fields("RESULT pytorch batch=256 amp=none attn=sdpa compile=0 img_per_s=1000.0"),
                GpuCheckCommand.fields("RESULT pytorch batch=256 amp=bf16 attn=sdpa compile=1 img_per_s=4847.0")),
                "ok"));
        var sink = new java.io.PrintWriter(new java.io.StringWriter());
        var c = GpuCheckCommand.compare(train, twin, sink);
        assertEquals(3, c.size(), "the failed configuration has no row");
        assertEquals(3657.1 / 3525.0, c.get(0).ratioEager(), 1e-12);
        assertEquals(3657.1 / 4847.0, c.get(0).ratioCompiled(), 1e-12);
        assertEquals(">= 1.0x eager: met; syncs/step <= 1: met", c.get(0).target());
        assertEquals(">= 0.9x eager: NOT met; syncs/step <= 1: NOT met", c.get(1).target(), "0.85x, 2 syncs");
        assertTrue(Double.isNaN(c.get(2).ratioEager()), "no fp16 explicit twin figure");
        assertEquals("syncs/step <= 1: met", c.get(2).target());
    }

    @Test
    void theTwinRunsSideBySideWhereATorchIsInstalled() throws Exception {
        var found = Programs.pythonWithTorch();
        assumeTrue(found.isPresent(), "no python3 with torch (Debian: python3-torch)");
        String python = String.join(" ", found.get());
        Path out = tmp.resolve("twin.json");
        CliRun.Result r = CliRun.run("gpu-check", "--device", "cpu", "--allow-cpu", "--sections", "train,pytorch",
                "--model", "small32",
                "--python", python, "--twin", Path.of("../bench/pytorch/mae_step.py").toString(),
                "--twin-preset", "small32", "--batches", "2", "--amps", "none", "--fused-attn", "false",
                "--steps", "1", "--warmup", "0", "--no-compile", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonArray runs = JsonParser.parseString(Files.readString(out)).getAsJsonObject().getAsJsonArray("pytorch");
        assertEquals(1, runs.size());
        JsonObject run = runs.get(0).getAsJsonObject();
        assertEquals("ok", run.get("status").getAsString(), run.toString());
        assertTrue(run.get("header").getAsString().startsWith("pytorch "), run.toString());
        JsonArray results = run.getAsJsonArray("results");
        assertEquals(1, results.size(), run.toString());
        JsonObject one = results.get(0).getAsJsonObject();
        assertEquals("2", one.get("batch").getAsString());
        assertEquals("explicit", one.get("attn").getAsString());
        double eager = Double.parseDouble(one.get("img_per_s").getAsString());
        assertTrue(eager > 0);

        // Side by side: the same configuration of both, their ratio; no target for explicit attention.
        JsonObject report = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        JsonArray cmp = report.getAsJsonArray("comparison");
        assertEquals(1, cmp.size(), report.toString());
        JsonObject c = cmp.get(0).getAsJsonObject();
        double ours = report.getAsJsonArray("train").get(0).getAsJsonObject().get("imgPerS").getAsDouble();
        assertEquals(ours, c.get("imgPerS").getAsDouble());
        assertEquals(eager, c.get("pytorchEagerImgPerS").getAsDouble());
        assertEquals(ours / eager, c.get("ratioEager").getAsDouble(), 1e-12);
        assertEquals("", c.get("target").getAsString());
        assertTrue(r.out().contains("side by side (img/s; ratio = this / PyTorch):"), r.out());
    }

}
