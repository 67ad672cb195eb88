package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.easycv4j.core.testing.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/build-jni: every refusal is one line naming what is missing, and a compile that fails keeps its log. The
 * fixtures stand in for a DJL checkout and a torch install only as far as the script looks at them; the compile
 * failure runs the real cmake and compiler. With {@code EASYCV4J_DJL_SOURCE} pointing at a DJL checkout and
 * Debian's libtorch-dev installed, the last test builds the real JNI for that libtorch and runs on it.
 */
class BuildJniCommandTest {
    private static final Path SCRIPT = Path.of("build-jni").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("bash", SCRIPT.toString()), Stream.of(args))
                .toList());
        pb.environment().remove("CXX");
        pb.environment().remove("CUDA_HOME");   // a test that wants one sets it
        pb.environment().remove("CUDA_PATH");
        pb.environment().remove("DJL_CACHE_DIR");
        pb.environment().put("ENGINE_CACHE_DIR", tmp.resolve("cache").toString());
        pb.environment().put("TMPDIR", Files.createDirectories(tmp.resolve("tmpdir")).toString());
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve("out.txt").toFile());
        pb.redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "build-jni did not end");
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt")).strip(),
                Files.readString(tmp.resolve("err.txt")).strip());
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** A folder of links to every program on the PATH except {@code without}: a machine lacking them. */
    private String pathWithout(Set<String> without) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin-" + String.join("-", without)));
        for (String dir : System.getenv("PATH").split(":")) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (!without.contains(name) && !Files.exists(bin.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.isExecutable(f) && !Files.isDirectory(f)) {
                        Files.createSymbolicLink(bin.resolve(name), f);
                    }
                }
            }
        }
        return bin.toString();
    }

    /** What the script reads of a DJL checkout: the native build, the JNI's Java declarations, the utils header. */
    private Path djlCheckout(String version, String cmakeLists) throws IOException {
        Path djl = tmp.resolve("djl-" + version);
        Path nativeDir = Files.createDirectories(djl.resolve("engines/pytorch/pytorch-native/src"));
        Files.writeString(djl.resolve("engines/pytorch/pytorch-native/CMakeLists.txt"), cmakeLists);
        Path jni = Files.createDirectories(djl.resolve("engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni"));
        Files.writeString(jni.resolve("PyTorchLibrary.java"),
                "package ai.djl.pytorch.jni;\npublic final class PyTorchLibrary {\n    native long torchVersion();\n}\n");
        Files.createDirectories(djl.resolve("api/src/main/native/djl"));
        Files.writeString(djl.resolve("api/src/main/native/djl/utils.h"), "#pragma once\n");
        Files.createDirectories(djl.resolve("gradle"));
        Files.writeString(djl.resolve("gradle/libs.versions.toml"), "[versions]\ndjl = \"" + version + "\"\n");
        return djl;
    }

    /** A libtorch folder as a zip lays it out: lib/, include/, share/cmake/Torch, build-version. */
    private Path libtorch(String name, String version, boolean headers, boolean cuda) throws IOException {
        Path root = tmp.resolve(name);
        Path lib = Files.createDirectories(root.resolve("lib"));
        Files.writeString(lib.resolve("libtorch.so"), "");
        if (cuda) {
            Files.writeString(lib.resolve("libtorch_cuda.so"), "");
        }
        Files.createDirectories(root.resolve("share/cmake/Torch"));
        Files.writeString(root.resolve("share/cmake/Torch/TorchConfig.cmake"), "set(TORCH_LIBRARIES \"\")\n");
        if (headers) {
            Path h = Files.createDirectories(root.resolve("include/torch/csrc/api/include/torch"));
            Files.writeString(h.resolve("torch.h"), "#pragma once\n");
        }
        Files.writeString(root.resolve("build-version"), version + "\n");
        return root;
    }

    @Test
    void argumentsAreCheckedFirst() throws Exception {
        Run none = run();
        assertEquals(2, none.code());
        assertEquals("error: --torch: expected the libtorch to build for (its lib folder, or a Python torch's "
                + "site-packages/torch)", none.err());
        Run noDjl = run("--torch", tmp.toString());
        assertEquals("error: --djl-source: expected a checkout of DJL 0.36.0 (git clone -b v0.36.0 "
                + "https://github.com/deepjavalibrary/djl)", noDjl.err());
        Run jobs = run("--torch", tmp.toString(), "--djl-source", tmp.toString(), "--jobs", "0");
        assertEquals("error: --jobs: expected a whole number >= 1, got \"0\"", jobs.err());
        Run bogus = run("--torhc", "x");
        assertEquals(2, bogus.code());
        assertTrue(bogus.err().startsWith("error: unknown argument \"--torhc\"; usage: tools/build-jni --torch"),
                bogus.err());
        Run help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("tools/build-jni: builds DJL's PyTorch JNI"), help.out());
    }

    @Test
    void missingToolsAreNamed() throws Exception {
        Path djl = djlCheckout("0.36.0", "");
        Path torch = libtorch("libtorch", "2.9.1+cpu", true, false);
        Run noCmake = run(Map.of("PATH", pathWithout(Set.of("cmake"))), "--torch", torch.toString(),
                "--djl-source", djl.toString());
        assertEquals(2, noCmake.code());
        assertEquals("error: cmake not found: install it (apt-get install cmake; or pip install cmake)", noCmake.err());
        Run noCompiler = run(Map.of("PATH", pathWithout(Set.of("c++", "g++", "clang++"))), "--torch",
                torch.toString(), "--djl-source", djl.toString());
        assertEquals("error: no C++ compiler found (c++, g++, clang++ or $CXX): install one (apt-get install g++)",
                noCompiler.err());
    }

    @Test
    void theDjlCheckoutMustBeOneAndOfThePomsVersion() throws Exception {
        Path torch = libtorch("libtorch", "2.9.1+cpu", true, false);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run notDjl = run("--torch", torch.toString(), "--djl-source", empty.toString());
        assertEquals(2, notDjl.code());
        assertEquals("error: --djl-source " + empty + ": not a DJL checkout (expected "
                + "engines/pytorch/pytorch-native/CMakeLists.txt, its Java source and api/src/main/native)", notDjl.err());
        Path old = djlCheckout("0.35.1", "");
        Run other = run("--torch", torch.toString(), "--djl-source", old.toString());
        assertEquals("error: --djl-source " + old + " is DJL 0.35.1; this project uses DJL 0.36.0, whose Java side "
                + "must match the JNI: git -C " + old + " checkout v0.36.0", other.err());
    }

    @Test
    void theTorchMustHaveItsLibrariesHeadersAndCmakePackage() throws Exception {
        Path djl = djlCheckout("0.36.0", "");
        Path noLib = Files.createDirectories(tmp.resolve("nolib"));
        Run none = run("--torch", noLib.toString(), "--djl-source", djl.toString());
        assertEquals("error: --torch " + noLib + ": no libtorch.so in " + noLib + " or " + noLib + "/lib", none.err());

        Path stripped = libtorch("stripped", "2.9.1+cpu", false, false);
        Run noHeaders = run("--torch", stripped.toString(), "--djl-source", djl.toString());
        assertEquals(2, noHeaders.code());
        assertEquals("error: --torch " + stripped + "/lib: no C++ headers (include/torch/csrc/api/include/torch/torch.h"
                + " beside lib/): a stripped or runtime-only install; use a libtorch zip, a pip torch (its include/ "
                + "folder), or apt-get install libtorch-dev", noHeaders.err());

        Path noCmake = libtorch("nocmake", "2.9.1+cpu", true, false);
        Files.delete(noCmake.resolve("share/cmake/Torch/TorchConfig.cmake"));
        Run noPackage = run("--torch", noCmake.toString(), "--djl-source", djl.toString());
        assertTrue(noPackage.err().startsWith("error: --torch " + noCmake + "/lib: no CMake package "
                + "(share/cmake/Torch/TorchConfig.cmake beside lib/, or lib/cmake/Torch)"), noPackage.err());

        Path cuda = libtorch("cuda", "2.9.1+cu126", true, true);
        Path notToolkit = Files.createDirectories(tmp.resolve("not-a-toolkit"));
        Run noNvcc = run(Map.of("CUDA_HOME", notToolkit.toString()), "--torch", cuda.toString(), "--djl-source",
                djl.toString());
        assertEquals(2, noNvcc.code());
        assertEquals("error: --torch " + cuda + "/lib is a CUDA build (cu126): CUDA_HOME=" + notToolkit + " has no "
                + "bin/nvcc; set CUDA_HOME to the CUDA toolkit of the CUDA version torch was built with", noNvcc.err());

        Path current = libtorch("current", "2.7.1+cpu", true, false);
        Run nothing = run("--torch", current.toString(), "--djl-source", djl.toString());
        assertEquals(0, nothing.code(), nothing.err());
        assertEquals("libtorch 2.7.1 in " + current + "/lib uses the JNI in DJL's pytorch-jni jar; nothing to build: "
                + "EASYCV4J_TORCH=" + current + "/lib tools/env", nothing.out());
    }

    @Test
    void aFailedCompileKeepsItsLogAndSaysWhere() throws Exception {
        assumeTrue(Programs.runs("cmake", "--version") && Programs.runs("c++", "--version"), "cmake and a C++ compiler (.ci/run installs both)");
        // A native build that reaches the compiler and fails there, as a DJL source that does not fit the torch would.
        Path djl = djlCheckout("0.36.0", "cmake_minimum_required(VERSION 3.10)\nproject(djl_torch CXX)\n"
                + "add_library(djl_torch SHARED src/broken.cc)\n");
        Files.writeString(djl.resolve("engines/pytorch/pytorch-native/src/broken.cc"),
                "int djl_torch_broken() { return not_declared_here; }\n");
        Path torch = libtorch("libtorch", "2.9.1+cpu", true, false);
        Path build = tmp.resolve("build");
        Run failed = run("--torch", torch.toString(), "--djl-source", djl.toString(), "--build-dir", build.toString(),
                "--jobs", "1");
        assertEquals(1, failed.code(), failed.err());
        assertTrue(failed.err().startsWith("error: compile failed: "), failed.err());
        assertTrue(failed.err().contains("not_declared_here"), failed.err());
        assertTrue(failed.err().endsWith("; the build is kept, its log: " + build + "/build.log"), failed.err());
        String log = Files.readString(build.resolve("build.log"));
        assertTrue(log.contains("+ cmake --build") && log.contains("broken.cc:1:"), log);
        assertTrue(Files.isRegularFile(build.resolve("include/ai_djl_pytorch_jni_PyTorchLibrary.h")),
                "the JNI header was generated from the Java declarations");
        assertTrue(!Files.exists(tmp.resolve("cache/pytorch/2.9.1-cpu-linux-x86_64")), "nothing installed");
    }

    @Test
    void buildsTheRealJniForDebiansLibtorchAndRunsOnIt() throws Exception {
        String djl = System.getenv("EASYCV4J_DJL_SOURCE");
        Path system = Path.of("/usr/lib/x86_64-linux-gnu");
        assumeTrue(djl != null && !djl.isBlank(), "EASYCV4J_DJL_SOURCE names a DJL 0.36.0 checkout");
        assumeTrue(Files.isRegularFile(system.resolve("cmake/Torch/TorchConfig.cmake")), "libtorch-dev installed");
        Run built = run(Map.of(), "--torch", system.toString(), "--djl-source", djl);
        assertEquals(0, built.code(), built.err());
        String version = Files.readString(system.resolve("cmake/Torch/TorchConfigVersion.cmake"))
                .replaceAll("(?s).*set\\(PACKAGE_VERSION \"([^\"]*)\"\\).*", "$1");
        Path dest = tmp.resolve("cache/pytorch/" + version + "-cpu-linux-x86_64");
        assertTrue(Files.isRegularFile(dest.resolve("0.36.0-libdjl_torch.so")));
        Path runDir = dest.resolve("libtorch/lib");
        assertTrue(built.out().endsWith("run with: EASYCV4J_TORCH=" + runDir + " tools/env"), built.out());
        JsonObject build = JsonParser.parseString(Files.readString(dest.resolve("build-jni.json"))).getAsJsonObject();
        assertEquals(version, build.get("torch").getAsString());

        // The launcher route: that folder is accepted and the engine is the other version, through the new JNI.
        JsonObject torch = LocalLibtorchTest.envJson(tmp, runDir.toString(), tmp.resolve("cache"))
                .getAsJsonObject("libtorch");
        assertEquals(version, torch.get("version").getAsString());
        assertEquals(runDir.toString(), Path.of(torch.get("libraryPath").getAsString()).toString());
    }

}
