package org.easycv4j.data.source;

import static org.easycv4j.data.Fixtures.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageIoBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CIFAR in the official python and binary formats (src/test/resources/cifar, written by
 * src/test/python/make_cifar.py); pixels and labels are checked against the script's formula.
 */
public class CifarSourceTest {
    @TempDir
    Path dir;

    public static Path resource(String name) {
        try {
            return Path.of(CifarSourceTest.class.getResource("/cifar/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private DataSource build(String hocon) {
        ConfigNode[] n = new ConfigNode[1];
        Spec<DataSource> spec = Fixtures.parse(SourcesTest.COMPONENTS, hocon, DataKinds.DATA_SOURCE, n).orElseThrow();
        assertTrue(n[0].problems().isEmpty(), () -> n[0].problems().list().toString());
        return spec.create(Fixtures.context(dir));
    }

    /** The fixture script's pixel: image i, channel c, row y, column x. */
    static int pixel(int i, int c, int y, int x, int offset) {
        return (i * 7 + c * 50 + y * 3 + x + offset) % 256;
    }

    static void assertImage(DataSource s, int i, int offset) throws BadSampleException {
        ByteImage img = (ByteImage) s.load(i, SourcesTest.IMAGEIO).image();
        assertEquals(32, img.width());
        assertEquals(32, img.height());
        assertEquals(3, img.channels());
        for (int[] p : new int[][] {{0, 0}, {31, 0}, {0, 31}, {17, 5}, {31, 31}}) {
            for (int c = 0; c < 3; c++) {
                assertEquals(pixel(i, c, p[1], p[0], offset), img.get(p[0], p[1], c),
                        "image " + i + " channel " + c + " at " + p[0] + "," + p[1]);
            }
        }
    }

    @Test
    void cifar10PythonVersionAllBatchesInOrder() throws BadSampleException {
        DataSource train = build("type = ClsSourceCifar10, root = " + q(resource("cifar10")) + ", split = train");
        assertEquals(10, train.size());
        assertEquals(10, train.numClasses());
        assertEquals("airplane", train.classNames().get(0));
        assertEquals("truck", train.classNames().get(9));
        for (int i = 0; i < 10; i++) {
            assertEquals(i % 10, train.load(i, SourcesTest.IMAGEIO).label());
            assertImage(train, i, 0);
        }
        DataSource test = build("type = ClsSourceCifar10, root = " + q(resource("cifar10")) + ", split = test");
        assertEquals(3, test.size());
        assertImage(test, 2, 100);
        assertEquals(2, test.load(2, SourcesTest.IMAGEIO).label());
    }

    @Test
    void cifar100UsesFineLabels() throws BadSampleException {
        DataSource train = build("type = ClsSourceCifar100, root = " + q(resource("cifar100")) + ", split = train");
        assertEquals(4, train.size());
        assertEquals(100, train.numClasses());
        assertEquals("fine07", train.classNames().get(7));
        for (int i = 0; i < 4; i++) {
            assertEquals((3 * i + 1) % 100, train.load(i, SourcesTest.IMAGEIO).label());
            assertImage(train, i, 0);
        }
        DataSource test = build("type = ClsSourceCifar100, root = " + q(resource("cifar100")) + ", split = test");
        assertEquals(2, test.size());
        assertImage(test, 1, 100);
    }

    @Test
    void binaryVersionsReadTheSameImages() throws IOException, BadSampleException {
        copy(resource("cifar10/cifar-10-batches-bin"), dir.resolve("c10/cifar-10-batches-bin"));
        copy(resource("cifar100/cifar-100-binary"), dir.resolve("c100/cifar-100-binary"));
        DataSource c10 = build("type = ClsSourceCifar10, root = " + q(dir.resolve("c10")) + ", split = train");
        assertEquals(10, c10.size());
        assertEquals("truck", c10.classNames().get(9));
        assertImage(c10, 7, 0);
        assertEquals(7, c10.load(7, SourcesTest.IMAGEIO).label());
        DataSource c100 = build("type = ClsSourceCifar100, root = " + q(dir.resolve("c100")) + ", split = test");
        assertEquals(2, c100.size());
        assertEquals(4, c100.load(1, SourcesTest.IMAGEIO).label());
        assertImage(c100, 1, 100);
        Sample s = c100.load(0, SourcesTest.IMAGEIO);
        assertTrue(s.origin().contains("cifar-100-binary"), s.origin());
    }

    @Test
    void malformedBatchesNameTheFile() throws IOException {
        Path py = dir.resolve("bad/cifar-10-batches-py");
        copy(resource("cifar10/cifar-10-batches-py"), py);
        // A CIFAR-100 batch where a CIFAR-10 batch belongs: no "labels".
        Files.copy(resource("cifar100/cifar-100-python/test"), py.resolve("data_batch_3"),
                StandardCopyOption.REPLACE_EXISTING);
        ComponentBuildException e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceCifar10, root = " + q(dir.resolve("bad"))));
        assertTrue(e.getMessage().contains("data_batch_3") && e.getMessage().contains("\"labels\""), e.getMessage());
        // Truncated.
        byte[] whole = Files.readAllBytes(resource("cifar10/cifar-10-batches-py/data_batch_1"));
        Files.write(py.resolve("data_batch_3"), java.util.Arrays.copyOf(whole, 3000));
        e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceCifar10, root = " + q(dir.resolve("bad"))));
        assertTrue(e.getMessage().contains("data_batch_3"), e.getMessage());
        // Binary records cut short.
        Path bin = dir.resolve("badbin/cifar-10-batches-bin");
        copy(resource("cifar10/cifar-10-batches-bin"), bin);
        Files.write(bin.resolve("test_batch.bin"), new byte[3000]);
        e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceCifar10, root = " + q(dir.resolve("badbin")) + ", split = test"));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("3073-byte records"),
                e.getMessage());
        // Nothing extracted.
        e = assertThrows(ComponentBuildException.class, () -> build("type = ClsSourceCifar100, root = " + q(dir)));
        assertTrue(e.getMessage().contains("cifar-100-python") && e.getMessage().contains("prepare-data"),
                e.getMessage());
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
    }
}
