package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code tools/env} on this machine: the CPU libtorch jar, no usable GPU, and MPI / NCCL as the linker has them. */
class EnvCommandTest {

    /** Whether the dynamic linker's cache lists {@code soname}: an independent view of what should load. */
    private static boolean linkerHas(String soname) throws Exception {
        for (String ldconfig : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig"}) {
            if (new File(ldconfig).canExecute()) {
                Process p = new ProcessBuilder(ldconfig, "-p").start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                return out.contains(soname + " (");
            }
        }
        throw new IllegalStateException("no ldconfig");
    }

    @Test
    void jsonDescribesTheLoadedEngineAndLibraries() throws Exception {
        CliRun.Result r = CliRun.run("env", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject torch = j.getAsJsonObject("libtorch");
        assertEquals("2.7.1", torch.get("version").getAsString());
        assertEquals("cpu", torch.get("flavor").getAsString());
        assertEquals("cpu", torch.get("selection").getAsString());
        assertEquals(false, torch.get("cudaBuild").getAsBoolean());
        assertEquals(0, torch.get("gpus").getAsInt());
        assertTrue(new File(torch.get("libraryPath").getAsString(), "libtorch.so").isFile(), r.out());
        assertEquals(0, j.getAsJsonArray("gpus").size());
        assertTrue(j.get("autoDevice").getAsString().startsWith("cpu(): "), r.out());
        assertEquals("0.36.0", j.get("djl").getAsString());
        assertEquals(Runtime.getRuntime().availableProcessors(), j.getAsJsonObject("threads").get("cores").getAsInt());
        assertTrue(j.getAsJsonObject("threads").get("intraOp").getAsInt() >= 1, r.out());

        // The rows come from the trainer's own loaders, so they say what --launcher mpi and GPU ranks would find.
        String[][] libs = {{"mpi", "libmpi.so.40", "Open MPI", "openmpi-bin"}, {"nccl", "libnccl.so.2", "NCCL",
                "libnccl2"}};
        for (String[] lib : libs) {
            JsonObject l = j.getAsJsonObject(lib[0]);
            boolean expected = linkerHas(lib[1]);
            assertEquals(expected, l.get("loads").getAsBoolean(), lib[0] + ": " + l);
            assertTrue(l.get("name").getAsString().startsWith(lib[2]), l.toString());
            if (expected) {
                assertTrue(new File(l.get("path").getAsString()).isFile(), l.toString());
            } else {
                assertTrue(l.get("error").getAsString().contains(lib[3]), "names the package: " + l);
            }
        }
    }

    @Test
    void tableIsOneLinePerFact() {
        CliRun.Result r = CliRun.run("env");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\nlibtorch       2.7.1 cpu (CPU-only build)\n"), r.out());
        assertTrue(r.out().contains("\n  selected     EASYCV4J_TORCH=cpu\n"), r.out());
        assertTrue(r.out().contains("\ngpus           none usable by this libtorch\n"), r.out());
        assertTrue(r.out().contains("\nmpi            Open MPI: "), r.out());
        assertTrue(r.out().contains("\nnccl           NCCL"), r.out());
    }

    @Test
    void unknownFormatIsAUsageError() {
        CliRun.Result r = CliRun.run("env", "--format", "xml");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected one of [table, json]"), r.err());
        // One problem and where the options are, not picocli's whole usage text.
        assertTrue(r.err().startsWith("error: ") && r.err().contains("tools/env --help"), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
    }
}
