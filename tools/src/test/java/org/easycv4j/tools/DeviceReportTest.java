package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device a run chose, and why, on the launcher's output; a GPU the CPU libtorch cannot give is refused. */
class DeviceReportTest {
    private static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf");

    @Test
    void dryRunReportsTheEngineAndTheAutoDevice(@TempDir Path dir) throws Exception {
        CliRun.Result r = CliRun.run("train", TOY.toString(), "--work-dir", dir.toString(), "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\nengine: libtorch 2.7.1 cpu (EASYCV4J_TORCH=cpu) from "), r.out());
        assertTrue(r.out().contains("\ndevice: cpu() (device = auto: CPU-only libtorch (EASYCV4J_TORCH=cpu) and no "
                + "GPU found; using the CPU)"), r.out());
        JsonObject torch = JsonParser.parseString(Files.readString(dir.resolve("provenance.json")))
                .getAsJsonObject().getAsJsonObject("torch");
        assertEquals("cpu", torch.get("selection").getAsString());
        assertEquals("cpu", torch.get("flavor").getAsString());
        assertEquals("2.7.1", torch.get("version").getAsString());
        assertFalse(torch.get("cudaBuild").getAsBoolean());
    }

    @Test
    void aGpuWithTheCpuLibtorchIsOneErrorNamingTheSwitch(@TempDir Path dir) {
        CliRun.Result r = CliRun.run("train", TOY.toString(), "--work-dir", dir.toString(), "--set",
                "device=\"gpu:1\"", "--dry-run");
        assertEquals(Main.USER_ERROR, r.code(), r.out());
        assertTrue(r.err().startsWith("error: device = gpu:1: the loaded libtorch 2.7.1 is CPU-only "
                + "(EASYCV4J_TORCH=cpu). For a GPU set EASYCV4J_TORCH=cu128"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());

        CliRun.Result bench = CliRun.run("bench-model", "small32", "--device", "gpu", "--steps", "1");
        assertEquals(Main.USER_ERROR, bench.code());
        assertTrue(bench.err().contains("error: device = gpu: the loaded libtorch"), bench.err());
    }
}
