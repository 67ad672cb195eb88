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
}
