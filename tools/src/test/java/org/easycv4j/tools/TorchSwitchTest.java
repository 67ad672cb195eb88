package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code EASYCV4J_TORCH} as tools/torch.sh (sourced by every launcher) turns it into DJL's settings. */
class TorchSwitchTest {
    private static final Path SCRIPT = Path.of("torch.sh").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Selection(int code, Map<String, String> vars, String err) {}

    /** Sources the script with {@code EASYCV4J_TORCH=value} (null: unset) and returns what it set. */
    private Selection select(String value) throws IOException, InterruptedException {
        String script = ". '" + SCRIPT + "'; select_torch; rc=$?; "
                + "echo \"rc=$rc\"; echo \"exclude=$torch_exclude\"; echo \"offline=$torch_offline\"; "
                + "echo \"props=${torch_props[*]:-}\"; echo \"PYTORCH_LIBRARY_PATH=${PYTORCH_LIBRARY_PATH:-}\"; "
                + "echo \"PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-}\"; echo \"PYTORCH_VERSION=${PYTORCH_VERSION:-}\"";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script);
        pb.environment().remove("EASYCV4J_TORCH");
        pb.environment().remove("DJL_CACHE_DIR");
        pb.environment().put("ENGINE_CACHE_DIR", tmp.resolve("cache").toString());
        if (value != null) {
            pb.environment().put("EASYCV4J_TORCH", value);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            vars.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new Selection(Integer.parseInt(vars.get("rc")), vars, err.strip());
    }

    private Path fakeLib(Path dir, boolean cuda) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("libtorch.so"), "");
        if (cuda) {
            Files.writeString(dir.resolve("libtorch_cuda.so"), "");
        }
        return dir;
    }

    @Test
    void unsetAndCpuKeepTheMavenJarOffline() throws Exception {
        for (String v : new String[] {null, "cpu"}) {
            Selection s = select(v);
            assertEquals(0, s.code(), s.err());
            assertEquals("", s.vars().get("exclude"));
            assertEquals("true", s.vars().get("offline"));
            assertEquals("-Deasycv4j.torch=cpu -Deasycv4j.torch.flavor=cpu", s.vars().get("props"));
            assertEquals("", s.vars().get("PYTORCH_LIBRARY_PATH"));
            assertEquals("", s.vars().get("PYTORCH_FLAVOR"));
        }
    }

    @Test
    void cu128DropsTheCpuJarAndGoesOnlineOnlyUntilCached() throws Exception {
        Selection first = select("cu128");
        assertEquals(0, first.code(), first.err());
        assertEquals("pytorch-native-cpu-*", first.vars().get("exclude"));
        assertEquals("cu128", first.vars().get("PYTORCH_FLAVOR"));
        assertEquals("false", first.vars().get("offline"));
        assertTrue(first.err().contains("downloads the CUDA 12.8 libtorch 2.7.1"), first.err());

        fakeLib(tmp.resolve("cache/pytorch/2.7.1-cu128-linux-x86_64"), true);
        Selection cached = select("cu128");
        assertEquals("true", cached.vars().get("offline"));
        assertEquals("", cached.err());
        assertEquals("-Deasycv4j.torch=cu128 -Deasycv4j.torch.flavor=cu128", cached.vars().get("props"));
    }

    @Test
    void aLocalLibtorchFolderIsNamedToDjlWithItsFlavour() throws Exception {
        Path lib = fakeLib(tmp.resolve("libtorch/lib"), true);
        Files.writeString(tmp.resolve("libtorch/build-version"), "2.7.1+cu126\n");
        // The libtorch folder itself or its lib folder.
        for (Path given : new Path[] {lib, tmp.resolve("libtorch")}) {
            Selection s = select(given.toString());
            assertEquals(0, s.code(), s.err());
            assertEquals(lib.toRealPath().toString(), s.vars().get("PYTORCH_LIBRARY_PATH"));
            assertEquals("cu128", s.vars().get("PYTORCH_FLAVOR"), "the JNI jar's CUDA build serves CUDA 12 libtorch");
            assertEquals("2.7.1", s.vars().get("PYTORCH_VERSION"));
            assertEquals("true", s.vars().get("offline"));
            assertEquals("pytorch-native-cpu-*", s.vars().get("exclude"));
        }
        Path cpu = fakeLib(tmp.resolve("cpu-libtorch/lib"), false);
        Selection s = select(cpu.toString());
        assertEquals("cpu", s.vars().get("PYTORCH_FLAVOR"));
        assertEquals("-Deasycv4j.torch=" + cpu.toRealPath() + " -Deasycv4j.torch.flavor=cpu", s.vars().get("props"));
    }

    @Test
    void aPythonTorchLibFolderIsCheckedAgainstItsVersionPy() throws Exception {
        Path lib = fakeLib(tmp.resolve("site-packages/torch/lib"), true);
        Files.writeString(tmp.resolve("site-packages/torch/version.py"),
                "from typing import Optional\n__version__ = '2.7.1+cu128'\ncuda: Optional[str] = '12.8'\n");
        assertEquals(0, select(lib.toString()).code());

        Files.writeString(tmp.resolve("site-packages/torch/version.py"), "__version__ = '2.5.0+cu121'\n");
        Selection old = select(lib.toString());
        assertEquals(2, old.code());
        assertEquals("error: EASYCV4J_TORCH=" + lib + ": " + lib.toRealPath() + " is libtorch 2.5.0+cu121 and DJL "
                + "0.36.0's JNI exists for libtorch 2.7.1 only: build one for it with tools/build-jni --torch "
                + lib.toRealPath() + " --djl-source DJL_CHECKOUT (docs/gpus.md), or use libtorch 2.7.1", old.err());
    }

    @Test
    void anotherVersionRunsOnTheJniBuiltForItInDjlsCache() throws Exception {
        // A pip torch 2.11 with CUDA 13.0: the flavour comes from version.py's cuda field.
        Path lib = fakeLib(tmp.resolve("venv/torch/lib"), true);
        Files.writeString(tmp.resolve("venv/torch/version.py"),
                "__version__ = '2.11.0'\ncuda: Optional[str] = '13.0'\n");
        assertEquals(2, select(lib.toString()).code(), "no JNI built yet");
        Path jni = tmp.resolve("cache/pytorch/2.11.0-cu130-linux-x86_64/0.36.0-libdjl_torch.so");
        Files.createDirectories(jni.getParent());
        Files.writeString(jni, "");
        Selection s = select(lib.toString());
        assertEquals(0, s.code(), s.err());
        assertEquals("2.11.0", s.vars().get("PYTORCH_VERSION"));
        assertEquals("cu130", s.vars().get("PYTORCH_FLAVOR"));
        assertEquals(lib.toRealPath().toString(), s.vars().get("PYTORCH_LIBRARY_PATH"));
        assertEquals("true", s.vars().get("offline"));

        // A libtorch zip names its CUDA in build-version; a JNI beside the libraries is DJL's first choice.
        Path zip = fakeLib(tmp.resolve("libtorch/lib"), true);
        Files.writeString(tmp.resolve("libtorch/build-version"), "2.9.1+cu126\n");
        assertEquals(2, select(zip.toString()).code());
        Files.writeString(zip.resolve("libdjl_torch.so"), "");
        Selection z = select(zip.toString());
        assertEquals(0, z.code(), z.err());
        assertEquals("2.9.1", z.vars().get("PYTORCH_VERSION"));
        assertEquals("cu126", z.vars().get("PYTORCH_FLAVOR"));
    }

    @Test
    void aSystemInstallIsVersionedByItsCmakePackage() throws Exception {
        // Debian's libtorch-dev: libraries and lib/cmake/Torch in the multiarch folder, no version file.
        Path lib = fakeLib(tmp.resolve("usr/lib/x86_64-linux-gnu"), false);
        Files.createDirectories(lib.resolve("cmake/Torch"));
        Files.writeString(lib.resolve("cmake/Torch/TorchConfigVersion.cmake"), "set(PACKAGE_VERSION \"1.13.0\")\n");
        Selection s = select(lib.toString());
        assertEquals(2, s.code());
        assertTrue(s.err().contains(" is libtorch 1.13.0 and DJL 0.36.0's JNI exists for libtorch 2.7.1 only"), s.err());
        Path jni = tmp.resolve("cache/pytorch/1.13.0-cpu-linux-x86_64/0.36.0-libdjl_torch.so");
        Files.createDirectories(jni.getParent());
        Files.writeString(jni, "");
        Selection ok = select(lib.toString());
        assertEquals(0, ok.code(), ok.err());
        assertEquals("1.13.0", ok.vars().get("PYTORCH_VERSION"));
        assertEquals("cpu", ok.vars().get("PYTORCH_FLAVOR"));
    }

    @Test
    void theVersionsComeFromThePom() throws Exception {
        String pom = Files.readString(Path.of("../pom.xml"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                ". '" + SCRIPT + "'; echo \"$torch_djl_version $torch_required_version\"");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String djl = pom.replaceAll("(?s).*<djl.version>([^<]*)</djl.version>.*", "$1");
        String torch = pom.replaceAll("(?s).*<pytorch.native.version>([^<]*)</pytorch.native.version>.*", "$1");
        assertTrue((djl + " " + torch).matches("\\d+\\.\\d+\\.\\d+ \\d+\\.\\d+\\.\\d+"), djl + " " + torch);
        assertEquals(djl + " " + torch, out);
    }

    @Test
    void badValuesAreOneClearError() throws Exception {
        Selection bogus = select("cuda12");
        assertEquals(2, bogus.code());
        assertEquals("error: EASYCV4J_TORCH=cuda12: expected cpu (the default: CPU libtorch from Maven), cu128 "
                + "(DJL's CUDA 12.8 build, downloaded once), or the path of a libtorch lib folder", bogus.err());

        Selection missing = select(tmp.resolve("nowhere").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: EASYCV4J_TORCH=" + tmp.resolve("nowhere") + ": no such folder"),
                missing.err());

        Selection empty = select(tmp.toString());
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains(": no libtorch.so in " + tmp.toRealPath()), empty.err());
    }
}
