package org.easycv4j.data.prepare;

import static org.easycv4j.data.Fixtures.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.Components;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageIoBackend;
import org.easycv4j.data.source.DataSource;
import org.easycv4j.data.source.Idx;
import org.easycv4j.data.source.IdxSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareTest {
    static final Components COMPONENTS = Fixtures.components();

    @TempDir
    Path dir;

    DataSource source(String hocon) {
        ConfigNode[] n = new ConfigNode[1];
        var spec = Fixtures.parse(COMPONENTS, hocon, DataKinds.DATA_SOURCE, n).orElseThrow();
        assertTrue(n[0].problems().isEmpty(), () -> n[0].problems().list().toString());
        return spec.create(Fixtures.context(dir));
    }

    @Test
    void committedDemoSubsetIsClassBalanced() throws IOException {
        Path demo = Path.of("..", "demo", "fashion-mnist");
        Idx.Images train = Idx.readImages(demo.resolve("train-images-idx3-ubyte.gz"));
        Idx.Images test = Idx.readImages(demo.resolve("t10k-images-idx3-ubyte.gz"));
        assertEquals(4000, train.count());
        assertEquals(1000, test.count());
        assertEquals(28, train.rows());
        int[] perClass = new int[10];
        for (byte b : Idx.readLabels(demo.resolve("train-labels-idx1-ubyte.gz"))) {
            perClass[b]++;
        }
        for (int c : perClass) {
            assertEquals(400, c);
        }
        DataSource s = source("type = ClsSourceIdx, root = " + q(demo) + ", split = test, classes = "
                + ConfigValueFactory.fromIterable(IdxSource.FASHION_MNIST_CLASSES).render());
        assertEquals(1000, s.size());
        assertEquals("Ankle boot", s.classNames().get(9));
    }

    @Test
    void subsetTakesTheFirstImagesOfEachClassInOrder() throws IOException {
        byte[] labels = {2, 0, 2, 1, 0, 2, 1, 0};
        byte[] px = new byte[8];
        for (int i = 0; i < 8; i++) {
            px[i] = (byte) (100 + i);
        }
        Idx.writeImages(dir.resolve("i.gz"), new Idx.Images(8, 1, 1, px));
        Idx.writeLabels(dir.resolve("l.gz"), labels);
        FashionMnist.subset(dir.resolve("i.gz"), dir.resolve("l.gz"), 2, dir.resolve("o/i.gz"), dir.resolve("o/l.gz"));
        assertArrayEquals(new byte[] {2, 0, 2, 1, 0, 1}, Idx.readLabels(dir.resolve("o/l.gz")));
        assertArrayEquals(new byte[] {100, 101, 102, 103, 104, 106}, Idx.readImages(dir.resolve("o/i.gz")).pixels());
        IOException e = assertThrows(IOException.class, () -> FashionMnist.subset(dir.resolve("i.gz"), dir.resolve("l.gz"),
                3, dir.resolve("p/i.gz"), dir.resolve("p/l.gz")));
        assertTrue(e.getMessage().contains("fewer than 3"), e.getMessage());
    }

    @Test
    void fetchCopiesFromTheDebianPackage() throws IOException {
        assumeTrue(Files.isRegularFile(FashionMnist.DEBIAN_DIR.resolve("t10k-labels-idx1-ubyte.gz")),
                "dataset-fashion-mnist is not installed");
        FashionMnist.fetch(dir.resolve("fm"), FashionMnist.DEBIAN_DIR, "http://127.0.0.1:9/");
        for (String f : FashionMnist.FILES) {
            assertTrue(FashionMnist.valid(dir.resolve("fm").resolve(f)), f);
        }
        assertEquals(60000, Idx.readLabels(dir.resolve("fm/train-labels-idx1-ubyte.gz")).length);
    }

    @Test
    void failedDownloadSaysWhatToDoInstead() {
        IOException e = assertThrows(IOException.class,
                () -> FashionMnist.fetch(dir.resolve("fm"), dir.resolve("nothing-here"), "http://127.0.0.1:9/fm/"));
        String m = e.getMessage();
        assertTrue(m.startsWith("could not download http://127.0.0.1:9/fm/train-images-idx3-ubyte.gz: "), m);
        assertTrue(m.contains("dataset-fashion-mnist") && m.contains("copy the four files"), m);
        assertTrue(Files.notExists(dir.resolve("fm/train-images-idx3-ubyte.gz.part")));
    }

    @Test
    void exportedImagesRoundTripThroughListAndFolderSources() throws Exception {
        byte[] px = new byte[4 * 3 * 2];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 11);
        }
        Idx.writeImages(dir.resolve("idx/i.gz"), new Idx.Images(4, 3, 2, px));
        Idx.writeLabels(dir.resolve("idx/l.gz"), new byte[] {1, 0, 1, 9});
        Path out = dir.resolve("out");
        int n = IdxExport.export(dir.resolve("idx/i.gz"), dir.resolve("idx/l.gz"), "train", out, "png", true, true,
                IdxSource.FASHION_MNIST_CLASSES);
        assertEquals(4, n);
        assertEquals("images/train/00000.png 1", Files.readAllLines(out.resolve("train.txt")).get(0));
        assertEquals("images/train/00003.png", Files.readAllLines(out.resolve("train_ssl.txt")).get(3));
        DataSource list = source("type = ClsSourceImageList, list_file = " + q(out.resolve("train.txt")) + ", root = "
                + q(out) + ", class_list = " + q(out.resolve("classes.txt")) + ", to_rgb = false");
        assertEquals(4, list.size());
        ByteImage img = (ByteImage) list.load(2, new ImageIoBackend()).image();
        assertEquals(2, img.width());
        assertEquals(3, img.height());
        assertEquals(1, img.channels());
        byte[] expected = new byte[6];
        System.arraycopy(px, 12, expected, 0, 6);
        assertArrayEquals(expected, img.pixels());
        DataSource folders = source("type = ClsSourceImageFolder, root = " + q(out.resolve("train")));
        assertEquals(List.of("00_T-shirt_top", "01_Trouser", "09_Ankle_boot"), folders.classNames());
        assertEquals(4, folders.size());
        assertEquals(2, folders.load(3, new ImageIoBackend()).label()); // 09_Ankle_boot is the third folder
    }
}
