package org.easycv4j.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.easycv4j.data.source.CifarSource;
import org.easycv4j.data.source.CifarSourceTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare-data cifar10 / cifar100 on archives made like the official ones (src/test/python/make_cifar.py). */
class CifarArchiveTest {
    @TempDir
    Path dir;

    @Test
    void extractsPythonAndBinaryArchivesAndReadsThemBack() throws IOException {
        CifarArchive.Result py = CifarArchive.extract(CifarSource.Variant.CIFAR10,
                CifarSourceTest.resource("cifar-10-python.tar.gz"), dir.resolve("c10"));
        assertEquals(10, py.train());
        assertEquals(3, py.test());
        assertEquals(10, py.classes());
        assertTrue(Files.isRegularFile(dir.resolve("c10/cifar-10-batches-py/data_batch_5")));
        assertEquals(-1L, Files.mismatch(dir.resolve("c10/cifar-10-batches-py/test_batch"),
                CifarSourceTest.resource("cifar10/cifar-10-batches-py/test_batch")), "extracted byte for byte");

        CifarArchive.Result bin = CifarArchive.extract(CifarSource.Variant.CIFAR10,
                CifarSourceTest.resource("cifar-10-binary.tar.gz"), dir.resolve("c10bin"));
        assertEquals(10, bin.train());
        assertEquals(dir.resolve("c10bin/cifar-10-batches-bin"), bin.folder());

        CifarArchive.Result c100 = CifarArchive.extract(CifarSource.Variant.CIFAR100,
                CifarSourceTest.resource("cifar-100-python.tar.gz"), dir.resolve("c100"));
        assertEquals(4, c100.train());
        assertEquals(2, c100.test());
        assertEquals(100, c100.classes());
        try (var left = Files.list(dir.resolve("c100"))) {
            assertEquals(1, left.count(), "no temporary folder left behind");
        }
    }

    @Test
    void refusesWrongTruncatedArchivesAndExistingFolders() throws IOException {
        IOException e = assertThrows(IOException.class, () -> CifarArchive.extract(CifarSource.Variant.CIFAR100,
                CifarSourceTest.resource("cifar-10-python.tar.gz"), dir.resolve("x")));
        assertTrue(e.getMessage().contains("cifar-10-python.tar.gz") && e.getMessage().contains("cifar-100-python/"),
                e.getMessage());
        byte[] whole = Files.readAllBytes(CifarSourceTest.resource("cifar-10-python.tar.gz"));
        Path cut = dir.resolve("cut.tar.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(IOException.class, () -> CifarArchive.extract(CifarSource.Variant.CIFAR10, cut,
                dir.resolve("y")));
        assertTrue(e.getMessage().contains("cut.tar.gz"), e.getMessage());
        CifarArchive.extract(CifarSource.Variant.CIFAR10, CifarSourceTest.resource("cifar-10-python.tar.gz"),
                dir.resolve("z"));
        e = assertThrows(IOException.class, () -> CifarArchive.extract(CifarSource.Variant.CIFAR10,
                CifarSourceTest.resource("cifar-10-python.tar.gz"), dir.resolve("z")));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }
}
