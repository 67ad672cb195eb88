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

    /** A damaged batch (cut short, as an interrupted copy leaves it) is one line naming the member, and nothing stays. */
    @Test
    void aDamagedBatchNamesTheMemberAndLeavesNoFolder() throws IOException {
        Path good = dir.resolve("good");
        CifarArchive.extract(CifarSource.Variant.CIFAR10, CifarSourceTest.resource("cifar-10-python.tar.gz"), good);
        Path batch = good.resolve("cifar-10-batches-py/data_batch_3");
        byte[] b = Files.readAllBytes(batch);
        Files.write(batch, Arrays.copyOf(b, b.length / 2));
        Path damaged = dir.resolve("damaged.tar.gz");
        writeTarGz(good, "cifar-10-batches-py", damaged);
        Path out = dir.resolve("out");
        IOException e = assertThrows(IOException.class,
                () -> CifarArchive.extract(CifarSource.Variant.CIFAR10, damaged, out));
        assertTrue(e.getMessage().startsWith(damaged + ": member cifar-10-batches-py" + java.io.File.separator
                + "data_batch_3: "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("damaged"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        try (var left = Files.list(out)) {
            assertEquals(0, left.count(), "neither the folder nor the temporary one is left behind");
        }
        // the rerun with a good archive is not told the folder "already exists"
        CifarArchive.Result r = CifarArchive.extract(CifarSource.Variant.CIFAR10,
                CifarSourceTest.resource("cifar-10-python.tar.gz"), out);
        assertEquals(10, r.train());
    }

    /** A plain ustar archive of {@code top} under {@code root}, gzipped. */
    private static void writeTarGz(Path root, String top, Path to) throws IOException {
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(to));
                var files = Files.walk(root.resolve(top))) {
            for (Path f : files.sorted().toList()) {
                boolean folder = Files.isDirectory(f);
                String name = root.relativize(f).toString().replace('\\', '/') + (folder ? "/" : "");
                byte[] data = folder ? new byte[0] : Files.readAllBytes(f);
                byte[] h = new byte[512];
                put(h, 0, name);
                put(h, 100, "0000644");
                put(h, 108, "0000000");
                put(h, 116, "0000000");
                put(h, 124, String.format("%011o", data.length));
                put(h, 136, "00000000000");
                h[156] = (byte) (folder ? '5' : '0');
                put(h, 257, "ustar");
                put(h, 263, "00");
                Arrays.fill(h, 148, 156, (byte) ' ');
                int sum = 0;
                for (byte x : h) {
                    sum += x & 0xFF;
                }
                put(h, 148, String.format("%06o", sum));
                h[154] = 0;
                out.write(h);
                out.write(data);
                out.write(new byte[(512 - data.length % 512) % 512]);
            }
            out.write(new byte[1024]);
        }
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
