package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launchers' command line end to end, on the toy config shipped in configs/. */
class CliTest {
    private static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf");

    private static CliRun.Result run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void trainsTheToyConfigAndWritesItsRecords(@TempDir Path dir) throws Exception {
        CliRun.Result r = run("train", TOY.toString(), "--work-dir", dir.toString(), "--seed", "5", "--set", "total_epochs=2",
                "--set", "progress=off");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("config.resolved.conf")).contains("total_epochs"));
        JsonObject prov = JsonParser.parseString(Files.readString(dir.resolve("provenance.json"))).getAsJsonObject();
        assertEquals(5, prov.get("seed").getAsLong());
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        long val = lines.stream().filter(l -> l.contains("\"mode\":\"val\"")).count();
        assertEquals(2, val, "one validation per epoch");
        JsonObject lastVal = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
        assertTrue(lastVal.get("top1").getAsDouble() > 90, "separable generated classes: " + lastVal);
    }

    @Test
    void evaluatesACheckpointAndResumesFromOne(@TempDir Path dir) throws Exception {
        assertEquals(0, run("train", TOY.toString(), "--work-dir", dir.toString(), "--set", "total_epochs=1",
                "--set", "progress=off").code());
        Path json = dir.resolve("eval.json");
        CliRun.Result r = run("eval", TOY.toString(), dir.resolve("epoch_1").toString(), "--out", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject metrics = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
                .getAsJsonObject("metrics");
        double top1 = metrics.get("top1").getAsDouble();
        JsonObject lastVal = null;
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            if (line.contains("\"mode\":\"val\"")) {
                lastVal = JsonParser.parseString(line).getAsJsonObject();
            }
        }
        assertEquals(lastVal.get("top1").getAsDouble(), top1, 1e-9, "eval of the saved weights = val at save time");
        assertEquals(lastVal.get("loss").getAsDouble(), metrics.get("loss").getAsDouble(), 1e-6);
        CliRun.Result resumed = run("train", TOY.toString(), "--work-dir", dir.toString(), "--set", "total_epochs=2",
                "--set", "progress=off", "--resume-from", dir.resolve("epoch_1").toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(Files.isDirectory(dir.resolve("epoch_2")));
    }

    @Test
    void reportsEveryMistakeWithFileAndLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, String.join("\n",
                "include required(\"" + TOY.toAbsolutePath().normalize() + "\")",
                "model { hiden = 16 }",
                "optimizer { lr = fast }",
                "lr_config.policy = Cosine",
                ""));
        CliRun.Result r = run("train", bad.toString());
        assertEquals(Main.USER_ERROR, r.code());
        String err = r.err();
        assertTrue(err.contains("3 problems in the configuration"), err);
        assertTrue(err.contains("bad.conf:2: model.hiden: unknown key; did you mean \"hidden\"?"), err);
        assertTrue(err.contains("bad.conf:3: optimizer.lr: expected a number, got string \"fast\""), err);
        assertTrue(err.contains("bad.conf:4: lr_config.policy: unknown lr schedule \"Cosine\"; known: "
                + "[CosineAnnealing, CosineAnnealingWarmupByEpoch, Fixed, Poly, Step]; did you mean \"CosineAnnealing\"?"), err);
        assertTrue(Files.notExists(Path.of("work_dirs", "toy_mlp_synthetic", "never")), "nothing ran");
    }

    @Test
    void dryRunStopsBeforeTraining(@TempDir Path dir) {
        CliRun.Result r = run("train", TOY.toString(), "--work-dir", dir.toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("provenance.json")));
        assertTrue(Files.notExists(dir.resolve("metrics.jsonl")));
    }

    @Test
    void ampFlagOverridesTheConfigAndAModelWithoutAmpSaysSo(@TempDir Path dir) throws Exception {
        CliRun.Result r = run("train", TOY.toString(), "--work-dir", dir.toString(), "--dry-run", "--set", "amp=none");
        assertEquals(0, r.code(), r.err());
        CliRun.Result amp = run("train", TOY.toString(), "--work-dir", dir.resolve("amp").toString(), "--dry-run",
                "--fp16");
        assertEquals(Main.USER_ERROR, amp.code(), amp.err());
        assertEquals("error: amp = fp16: ToyMlp has no mixed-precision support (amp = fp16); set amp = none (or drop "
                + "--amp / --fp16)", amp.err().strip());
    }

    @Test
    void listsRegisteredTypesPerKind() {
        CliRun.Result all = run("list");
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains("optimizer"), all.out());
        assertTrue(all.out().contains("ToyMLP"), all.out());
        assertTrue(all.out().contains("CosineAnnealing"), all.out());
        CliRun.Result one = run("list", "lr_schedule");
        assertTrue(one.out().contains("CosineAnnealing") && !one.out().contains("ToyMLP"), one.out());
        CliRun.Result bad = run("list", "modle");
        assertEquals(Main.USER_ERROR, bad.code());
        assertTrue(bad.err().contains("did you mean \"model\""), bad.err());
    }

    /** The removed in-process replicas point to the multi-process launcher; an unknown launcher is named. */
    @Test
    void devicesAndUnknownLaunchersAreRefusedWithTheWayToGo(@TempDir Path dir) {
        CliRun.Result devices = run("train", TOY.toString(), "--work-dir", dir.toString(), "--dry-run", "--set",
                "devices=[cpu, cpu]");
        assertEquals(Main.USER_ERROR, devices.code(), devices.err());
        assertTrue(devices.err().contains("devices") && devices.err().contains("--launcher mpi"), devices.err());
        CliRun.Result launcher = run("train", TOY.toString(), "--work-dir", dir.toString(), "--dry-run",
                "--launcher", "slurm");
        assertEquals(Main.USER_ERROR, launcher.code(), launcher.err());
        assertTrue(launcher.err().startsWith("error: --launcher: unknown launcher \"slurm\"; known: [")
                && launcher.err().contains("mpi") && launcher.err().contains("none"), launcher.err());
    }

    /** The extension point of distribution: a backend registered outside core is picked by --launcher. */
    @Test
    void aLauncherRegisteredByAPluginJoinsTheJob(@TempDir Path dir) {
        int before = CountingLauncherModule.JOINED.get();
        CliRun.Result r = run("train", TOY.toString(), "--work-dir", dir.toString(), "--launcher", "counting-single",
                "--set", "total_epochs=1", "--set", "progress=off");
        assertEquals(0, r.code(), r.err());
        assertEquals(before + 1, CountingLauncherModule.JOINED.get(), "the plugin's backend joined the job");
        assertTrue(Files.isDirectory(dir.resolve("epoch_1")));
        CliRun.Result listed = run("list", "launcher");
        assertTrue(listed.out().contains("counting-single") && listed.out().contains("mpi"), listed.out());
    }
}
