package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.easycv4j.core.engine.TorchEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EASYCV4J_TORCH=<folder>} end to end, as the launcher does it: tools/torch.sh turns the folder into DJL's
 * settings and a fresh JVM, without the CPU native jar, loads libtorch from that folder (a libtorch 2.7.1 laid
 * out as its distribution is, made here from the CPU build's files) and its JNI from the pytorch-jni jar,
 * offline.
 */
class LocalLibtorchTest {

    @Test
    void aLocalLibtorchFolderIsLoadedFromThere(@TempDir Path tmp) throws Exception {
        // The CPU libtorch this JVM loaded, linked into <tmp>/libtorch/lib with a build-version file above it.
        Path source = Path.of(TorchEngine.current().libraryPath());
        Path lib = Files.createDirectories(tmp.resolve("libtorch/lib"));
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.contains(".so") && !name.contains("djl_torch")) {
                    Files.createSymbolicLink(lib.resolve(name), f);
                }
            }
        }
        Files.writeString(tmp.resolve("libtorch/build-version"), "2.7.1+cpu\n");

        JsonObject torch = envJson(tmp, tmp.resolve("libtorch").toString(), tmp.resolve("cache"))
                .getAsJsonObject("libtorch");
        assertEquals(lib.toRealPath().toString(), torch.get("selection").getAsString());
        assertEquals(lib.toRealPath().toString(), Path.of(torch.get("libraryPath").getAsString()).toString());
        assertEquals("2.7.1", torch.get("version").getAsString());
        assertEquals("cpu", torch.get("flavor").getAsString());
        assertFalse(torch.get("cudaBuild").getAsBoolean());
        List<String> jni = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(tmp.resolve("cache"))) {
            walk.filter(f -> f.getFileName().toString().endsWith("libdjl_torch.so")).forEach(f -> jni.add(f.toString()));
        }
        assertEquals(1, jni.size(), "JNI unpacked from the pytorch-jni jar: " + jni);
        assertTrue(jni.get(0).contains("2.7.1-cpu-linux-x86_64"), jni.get(0));
    }

    /**
     * {@code tools/env --format json} as the launcher runs it with {@code EASYCV4J_TORCH=torch}: tools/torch.sh,
     * then a fresh JVM on this test's class path without the CPU native jar, with DJL's cache in {@code cache}.
     */
    static JsonObject envJson(Path tmp, String torch, Path cache) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutNativeJar = Stream.of(classPath.split(File.pathSeparator))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("pytorch-native-cpu"))
                .collect(Collectors.joining(File.pathSeparator));
        assertTrue(withoutNativeJar.length() < classPath.length(), "the CPU native jar was on the class path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = ". '" + Path.of("torch.sh").toAbsolutePath() + "' && select_torch && exec '" + java
                + "' -Dai.djl.offline=$torch_offline \"${torch_props[@]}\" -cp \"$CP\" org.easycv4j.tools.Main env "
                + "--format json";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script);
        pb.environment().put("EASYCV4J_TORCH", torch);
        pb.environment().put("CP", withoutNativeJar);
        pb.environment().put("ENGINE_CACHE_DIR", cache.toString());
        pb.environment().remove("DJL_CACHE_DIR");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Path stderr = Files.createTempFile(tmp, "env", ".err");
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), Files.readString(stderr));
        // The test class path's logging configuration writes log lines to standard output too.
        String json = out.substring(Math.max(0, out.indexOf("\n{\n") + 1));
        return JsonParser.parseString(json).getAsJsonObject();
    }
}
