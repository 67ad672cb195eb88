package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tools/prepare-data cifar10 --from ARCHIVE}: extracts, checks and prints the data_source to use. */
class PrepareCifarCliTest {
    private static final Path ARCHIVES = Path.of("..", "data", "src", "test", "resources", "cifar");

    @TempDir
    Path dir;

    @Test
    void extractsTheArchiveAndPrintsTheSource() {
        CliRun.Result r = CliRun.run("prepare-data", "cifar10", "--from",
                ARCHIVES.resolve("cifar-10-python.tar.gz").toString(), "--out", dir.resolve("c10").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("10 training and 3 test images, 10 classes")
                && r.out().contains("ClsSourceCifar10"), r.out());
        assertTrue(Files.isDirectory(dir.resolve("c10/cifar-10-batches-py")));
        CliRun.Result missing = CliRun.run("prepare-data", "cifar100", "--from", dir.resolve("none.tar.gz").toString(),
                "--out", dir.resolve("c100").toString());
        assertNotEquals(0, missing.code());
    }

    /** An archive cut anywhere is one "error:" line and exit 2, never an internal error, and leaves no folder. */
    @Test
    void aCutArchiveIsOneUserErrorLineWhereverItIsCut() throws Exception {
        byte[] whole = Files.readAllBytes(ARCHIVES.resolve("cifar-10-python.tar.gz"));
        Path cut = dir.resolve("cut.tar.gz");
        for (int n : new int[] {10, whole.length / 4, whole.length / 2, whole.length - 30}) {
            Files.write(cut, java.util.Arrays.copyOf(whole, n));
            Path out = dir.resolve("out" + n);
            CliRun.Result r = CliRun.run("prepare-data", "cifar10", "--from", cut.toString(), "--out", out.toString());
            assertEquals(Main.USER_ERROR, r.code(), "cut at " + n + ": " + r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().strip().lines().count() == 1
                    && !r.err().contains("internal error"), "cut at " + n + ": " + r.err());
            assertTrue(!Files.exists(out.resolve("cifar-10-batches-py")), "cut at " + n);
        }
    }
}
