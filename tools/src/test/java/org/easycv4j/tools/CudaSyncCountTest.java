package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.easycv4j.core.testing.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/lib/cuda_sync_count.c, the LD_PRELOAD counter of host-blocking CUDA runtime calls, against the real
 * libcudart of this machine (no GPU or driver needed: the runtime's calls then fail with its own error code,
 * which is what forwarding must hand back), and bench/pytorch/mae_step.py's matrix on the CPU, with and without
 * the counter preloaded.
 */
class CudaSyncCountTest {

    /** Loads a libcudart as the JVM loads libtorch (dlopen, RTLD_LOCAL unless "global"), then calls it. */
    private static final String PROGRAM = """
            #define _GNU_SOURCE
            #include <dlfcn.h>
            #include <stdio.h>
            #include <string.h>

            typedef int (*sync_fn)(void);
            typedef int (*arg_fn)(void *);

            /* The preloaded wrappers are in the global scope; without the preload only the runtime's own exist. */
            static void *lookup(void *runtime, const char *name) {
                void *f = dlsym(RTLD_DEFAULT, name);
                return f != NULL || runtime == NULL ? f : dlsym(runtime, name);
            }

            int main(int argc, char **argv) {
                if (argc < 3) return 2;
                void *runtime = NULL;
                if (strcmp(argv[1], "-") != 0) {
                    int scope = strcmp(argv[2], "global") == 0 ? RTLD_GLOBAL : RTLD_LOCAL;
                    runtime = dlopen(argv[1], scope | RTLD_LAZY);
                    if (runtime == NULL) { fprintf(stderr, "dlopen %s: %s\\n", argv[1], dlerror()); return 3; }
                }
                int codes[4];
                if (argc > 3) {
                    void *calls = dlopen(argv[3], RTLD_LOCAL | RTLD_NOW);
                    if (calls == NULL) { fprintf(stderr, "dlopen %s: %s\\n", argv[3], dlerror()); return 3; }
                    void (*run)(int *) = (void (*)(int *)) dlsym(calls, "run_calls");
                    run(codes);
                } else {
                    sync_fn device = (sync_fn) lookup(runtime, "cudaDeviceSynchronize");
                    arg_fn stream = (arg_fn) lookup(runtime, "cudaStreamSynchronize");
                    arg_fn release = (arg_fn) lookup(runtime, "cudaFree");
                    if (device == NULL || stream == NULL || release == NULL) { printf("no functions\\n"); return 4; }
                    codes[0] = device();
                    codes[1] = device();
                    codes[2] = stream(NULL);
                    codes[3] = release(NULL);
                }
                printf("codes %d %d %d %d\\n", codes[0], codes[1], codes[2], codes[3]);
                long (*syncs)(void) = (long (*)(void)) dlsym(RTLD_DEFAULT, "easycv4j_cuda_syncs");
                int (*report)(char *, int) = (int (*)(char *, int)) dlsym(RTLD_DEFAULT, "easycv4j_cuda_sync_report");
                if (syncs == NULL || report == NULL) { printf("syncs none\\n"); return 0; }
                char buf[256], small[8];
                int n = report(buf, sizeof buf);
                int m = report(small, sizeof small);
                printf("syncs %ld\\nreport %s\\nreport_length %d\\nshort %s %d\\n", syncs(), buf, n, small, m);
                return 0;
            }
            """;

    /** Undefined references bound by the dynamic linker, versioned by linking against libcudart: as libtorch's. */
    private static final String CALLS = """
            typedef int cudaError_t;
            cudaError_t cudaDeviceSynchronize(void);
            cudaError_t cudaStreamSynchronize(void *stream);
            cudaError_t cudaFree(void *ptr);

            void run_calls(int *codes) {
                codes[0] = cudaDeviceSynchronize();
                codes[1] = cudaDeviceSynchronize();
                codes[2] = cudaStreamSynchronize(0);
                codes[3] = cudaFree(0);
            }
            """;

    private static final String REPORT = "cudaDeviceSynchronize=2 cudaStreamSynchronize=1 cudaFree=1";
    private static final Path TWIN = Path.of("../bench/pytorch/mae_step.py");
    private static final List<String> CPU_FIELDS = List.of("preset", "device", "batch", "amp", "attn", "compile",
            "median_ms", "median_cpu_ms", "img_per_s", "min_ms", "peak_rss_mb", "syncs_per_step", "loss", "n");

    @TempDir
    Path dir;

    private Path shim;
    private Path program;

    record Run(int code, String out, String err) {
        String line(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> l.substring(prefix.length())).orElse(null);
        }

        List<String> lines(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    @BeforeEach
    void compile() throws Exception {
        if (!Programs.runs("cc", "--version")) {
            return;
        }
        shim = dir.resolve("libcudasync.so");
        cc("-shared", "-fPIC", "-O2", "-o", shim.toString(), Path.of("lib/cuda_sync_count.c").toString(), "-ldl",
                "-lpthread");
        Path src = dir.resolve("prog.c");
        Files.writeString(src, PROGRAM, StandardCharsets.UTF_8);
        program = dir.resolve("prog");
        cc("-O2", "-o", program.toString(), src.toString(), "-ldl");
    }

    // ---- the counter -------------------------------------------------------------------------------------------

    @Test
    void countsAndForwardsToALibcudartLoadedLocally() throws Exception {
        Path cudart = cudartOrSkip();
        Run plain = run(null, Map.of(), program.toString(), cudart.toString(), "local");
        Run counted = run(shim, Map.of("EASYCV4J_CUDA_SYNC_VERBOSE", "1"), program.toString(), cudart.toString(),
                "local");
        assertCounted(plain, counted);
        assertTrue(counted.err().contains("cuda_sync_count: cudaFree via /proc/self/maps "
                + cudart.toRealPath()), "found through the maps, not RTLD_NEXT: " + counted.err());
    }

    @Test
    void referencesBoundByTheDynamicLinkerAreCounted() throws Exception {
        Path cudart = cudartOrSkip();
        Path calls = callsLibrary(cudart);
        Run plain = run(null, Map.of(), program.toString(), cudart.toString(), "local", calls.toString());
        Run counted = run(shim, Map.of(), program.toString(), cudart.toString(), "local", calls.toString());
        assertCounted(plain, counted);
    }

    @Test
    void aGloballyLoadedLibcudartIsFoundThroughRtldNext() throws Exception {
        Path cudart = cudartOrSkip();
        Run plain = run(null, Map.of(), program.toString(), cudart.toString(), "global");
        Run counted = run(shim, Map.of("EASYCV4J_CUDA_SYNC_VERBOSE", "1"), program.toString(), cudart.toString(),
                "global");
        assertCounted(plain, counted);
        assertTrue(counted.err().contains("cuda_sync_count: cudaFree via dlsym(RTLD_NEXT)"), counted.err());
    }

    @Test
    void aLibcudartUnderAHashedNameIsFound() throws Exception {
        Path cudart = cudartOrSkip();
        // DJL's libtorch ships its runtime as libcudart-<hash>.so.N.
        Path hashed = dir.resolve("libcudart-218eec4c.so.13");
        Files.copy(cudart.toRealPath(), hashed);
        Path calls = callsLibrary(cudart);
        Run plain = run(null, Map.of(), program.toString(), hashed.toString(), "local");
        Run counted = run(shim, Map.of("EASYCV4J_CUDA_SYNC_VERBOSE", "1"), program.toString(), hashed.toString(),
                "local");
        assertCounted(plain, counted);
        assertTrue(counted.err().contains("via /proc/self/maps " + hashed.toRealPath()), counted.err());
        // libcalls.so needs the runtime by its SONAME, which the hashed file (loaded first, as DJL does) carries.
        Run viaLinker = run(shim, Map.of("EASYCV4J_CUDA_SYNC_VERBOSE", "1"), program.toString(), hashed.toString(),
                "local", calls.toString());
        assertCounted(plain, viaLinker);
        assertTrue(viaLinker.err().contains("via /proc/self/maps " + hashed.toRealPath()), viaLinker.err());
    }

    @Test
    void withoutALibcudartEveryCallIsCountedAndFailsWith999ReportedOnce() throws Exception {
        assumeTrue(Programs.runs("cc", "--version"), "no C compiler (cc)");
        Run counted = run(shim, Map.of("EASYCV4J_CUDA_SYNC_REPORT", "1"), program.toString(), "-", "local");
        assertEquals(0, counted.code(), counted.out() + counted.err());
        assertEquals("999 999 999 999", counted.line("codes "));
        assertEquals("4", counted.line("syncs "));
        assertEquals(REPORT, counted.line("report "));
        assertEquals(List.of("cuda_sync_count: no loaded libcudart defines cudaDeviceSynchronize; returning "
                        + "cudaErrorUnknown (999)", "easycv4j_cuda_syncs total=4 " + REPORT),
                counted.err().lines().toList(), "one line for the missing runtime, one at exit");
    }

    /** The same return codes with and without the preload, the four calls counted, the report exact. */
    private static void assertCounted(Run plain, Run counted) {
        assertEquals(0, plain.code(), plain.out() + plain.err());
        assertEquals(0, counted.code(), counted.out() + counted.err());
        assertEquals("none", plain.line("syncs "), "nothing preloaded: " + plain.out());
        String codes = plain.line("codes ");
        assertTrue(codes != null && codes.matches("-?\\d+ -?\\d+ -?\\d+ -?\\d+"), plain.out());
        assertFalse(Arrays.asList(codes.split(" ")).contains("999"),
                "the runtime's own codes (no GPU: e.g. 35 or 100): " + codes);
        assertEquals(codes, counted.line("codes "), "forwarded: the real runtime's return codes");
        assertEquals("4", counted.line("syncs "));
        assertEquals(REPORT, counted.line("report "));
        assertEquals(String.valueOf(REPORT.length()), counted.line("report_length "));
        assertEquals(REPORT.substring(0, 7) + " " + REPORT.length(), counted.line("short "),
                "a short buffer: truncated, NUL-terminated, the whole length returned");
    }

    // ---- the twin ----------------------------------------------------------------------------------------------

    @Test
    void theTwinsMatrixRunsEveryCombinationOnTheCpu() throws Exception {
        List<String> python = pythonOrSkip();
        Run r = twin(python, null, "preset=fmnist28", "device=cpu", "batches=2,4", "amps=none",
                "attns=explicit,sdpa", "steps=1", "warmup=0");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("pytorch "), r.out());
        List<String> header = Arrays.asList(r.out().lines().findFirst().orElseThrow().split(" "));
        assertTrue(header.containsAll(List.of("device=cpu", "batches=2,4", "amps=none", "attns=explicit,sdpa")),
                header.toString());
        List<Map<String, String>> results = results(r);
        assertEquals(4, results.size(), r.out());
        String[][] expected = {{"2", "explicit"}, {"2", "sdpa"}, {"4", "explicit"}, {"4", "sdpa"}};
        for (int i = 0; i < 4; i++) {
            Map<String, String> f = results.get(i);
            assertEquals(CPU_FIELDS, List.copyOf(f.keySet()), "field order: " + r.out());
            assertEquals("fmnist28", f.get("preset"));
            assertEquals("cpu", f.get("device"));
            assertEquals(expected[i][0], f.get("batch"));
            assertEquals("none", f.get("amp"));
            assertEquals(expected[i][1], f.get("attn"));
            assertEquals("0", f.get("compile"));
            assertEquals("-1", f.get("syncs_per_step"), "no counter preloaded");
            assertEquals("1", f.get("n"));
            assertTrue(Double.parseDouble(f.get("median_ms")) > 0, f.toString());
            assertTrue(Double.isFinite(Double.parseDouble(f.get("loss"))), f.toString());
        }
        // The same seed for every combination: attention alone does not change the first step's loss.
        assertEquals(Double.parseDouble(results.get(0).get("loss")), Double.parseDouble(results.get(1).get("loss")),
                1e-3);
    }

    @Test
    void withTheCounterPreloadedTheCpuTwinCountsNoSyncs() throws Exception {
        assumeTrue(Programs.runs("cc", "--version"), "no C compiler (cc)");
        List<String> python = pythonOrSkip();
        Run r = twin(python, shim, "--preset", "fmnist28", "--device", "cpu", "--batches=2", "amps=none",
                "--attns", "explicit,sdpa", "steps=1", "warmup=0");
        assertEquals(0, r.code(), r.out() + r.err());
        List<Map<String, String>> results = results(r);
        assertEquals(2, results.size(), r.out());
        for (Map<String, String> f : results) {
            assertEquals("0.0", f.get("syncs_per_step"), "counted, and no CUDA call on the CPU: " + r.out());
        }
        assertTrue(r.lines("SYNCS").isEmpty(), r.out());
    }

    @Test
    void aSingleCpuRunKeepsTheLinesBenchVsPytorchReads() throws Exception {
        List<String> python = pythonOrSkip();
        Run r = twin(python, null, "preset=fmnist28", "batch=2", "steps=1", "warmup=0", "threads=2", "amp=none");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("pytorch \\S+ blas=.* threads=2 preset=fmnist28 batch=2 amp=none foreach=1 "
                + "fused_adamw=(True|False)"), lines.get(0));
        assertTrue(lines.get(1).startsWith("step   0 loss "), lines.toString());
        assertTrue(lines.get(2).startsWith("PHASES mean ms: forward "), lines.toString());
        assertTrue(lines.get(3).matches("RESULT pytorch preset=fmnist28 batch=2 median_ms=[0-9.]+ "
                + "median_cpu_ms=[0-9.]+ img_per_s=[0-9.]+ min_ms=[0-9.]+ n=1 peak_rss_mb=\\d+"), lines.get(3));
        assertEquals(4, lines.size(), r.out());
    }

    @Test
    void theTwinRefusesWhatItCannotRun() throws Exception {
        List<String> python = pythonOrSkip();
        Run unknown = twin(python, null, "--presets", "fmnist28");
        assertEquals(2, unknown.code(), unknown.out() + unknown.err());
        assertTrue(unknown.err().startsWith("error: unknown option \"presets\""), unknown.err());
        Run fp16 = twin(python, null, "preset=fmnist28", "device=cpu", "amp=fp16");
        assertEquals(2, fp16.code());
        assertEquals("error: amp=fp16 needs device=cuda (CPU autocast here runs bf16 only)", fp16.err().strip());
        Run dangling = twin(python, null, "preset=fmnist28", "--steps");
        assertEquals(2, dangling.code());
        assertEquals("error: --steps: expected a value after it", dangling.err().strip());
        Run batches = twin(python, null, "preset=fmnist28", "batches=2,0");
        assertEquals(2, batches.code());
        assertEquals("error: batches: expected a whole number >= 1, got \"0\"", batches.err().strip());
    }

    /** The RESULT lines as ordered key/value maps ("pytorch", the side, left out). */
    private static List<Map<String, String>> results(Run r) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : r.lines("RESULT ")) {
            Map<String, String> f = new LinkedHashMap<>();
            String[] words = line.split(" ");
            assertEquals("pytorch", words[1], line);
            for (int i = 2; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                assertTrue(eq > 0, line);
                f.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
            out.add(f);
        }
        return out;
    }

    private Run twin(List<String> python, Path preload, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(python);
        cmd.add(TWIN.toString());
        cmd.addAll(List.of(args));
        return run(preload, Map.of("OMP_WAIT_POLICY", "PASSIVE"), cmd.toArray(String[]::new));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Path callsLibrary(Path cudart) throws Exception {
        Path src = dir.resolve("calls.c");
        Files.writeString(src, CALLS, StandardCharsets.UTF_8);
        Path lib = dir.resolve("libcalls.so");
        Path real = cudart.toRealPath();
        cc("-shared", "-fPIC", "-o", lib.toString(), src.toString(), real.toString(),
                "-Wl,-rpath," + real.getParent());
        return lib;
    }

    private Path cudartOrSkip() throws Exception {
        assumeTrue(Programs.runs("cc", "--version"), "no C compiler (cc)");
        Path cudart = findCudart();
        assumeTrue(cudart != null, "no libcudart under /usr/local/cuda*/lib* or /usr/lib/x86_64-linux-gnu");
        return cudart;
    }

    /** A shared libcudart of this machine (the CUDA toolkit's, or Debian's libcudart12), or null. */
    static Path findCudart() throws IOException {
        List<Path> dirs = new ArrayList<>();
        Path local = Path.of("/usr/local");
        if (Files.isDirectory(local)) {
            try (DirectoryStream<Path> tops = Files.newDirectoryStream(local, "cuda*")) {
                for (Path top : tops) {
                    if (Files.isDirectory(top)) {
                        try (DirectoryStream<Path> libs = Files.newDirectoryStream(top, "lib*")) {
                            libs.forEach(dirs::add);
                        }
                    }
                }
            }
        }
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        for (Path d : dirs.stream().sorted().toList()) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var files = Files.list(d)) {
                List<Path> found = files.filter(f -> f.getFileName().toString().matches("libcudart[^/]*\\.so(\\..*)?"))
                        .filter(Files::isRegularFile).sorted().collect(Collectors.toList());
                if (!found.isEmpty()) {
                    return found.get(0);
                }
            }
        }
        return null;
    }


    private void cc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("cc"));
        cmd.addAll(List.of(args));
        Run r = run(null, Map.of(), cmd.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", cmd) + "\n" + r.out() + r.err());
    }

    /** Runs cmd (LD_PRELOAD=preload when given) for at most 5 minutes, its output through files. */
    private Run run(Path preload, Map<String, String> env, String... cmd) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove("EASYCV4J_CUDA_SYNC_VERBOSE");
        pb.environment().remove("EASYCV4J_CUDA_SYNC_REPORT");
        if (preload != null) {
            pb.environment().put("LD_PRELOAD", preload.toString());
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail(String.join(" ", cmd) + ": ran for over 5 minutes\n" + Files.readString(out) + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<String> pythonOrSkip() {
        var p = Programs.pythonWithTorch();
        assumeTrue(p.isPresent(), "no python3 with torch (Debian: python3-torch)");
        return p.get();
    }
}
