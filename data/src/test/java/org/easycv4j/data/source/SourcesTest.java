package org.easycv4j.data.source;

import static org.easycv4j.data.Fixtures.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageIoBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
    static final Components COMPONENTS = Fixtures.components();
    static final ImageBackend IMAGEIO = new ImageIoBackend();

    @TempDir
    Path dir;

    private DataSource build(String hocon) {
        ConfigNode[] n = new ConfigNode[1];
        Spec<DataSource> spec = Fixtures.parse(COMPONENTS, hocon, DataKinds.DATA_SOURCE, n).orElseThrow();
        assertTrue(n[0].problems().isEmpty(), () -> n[0].problems().list().toString());
        return spec.create(Fixtures.context(dir));
    }

    @Test
    void sslListSkipsBlankAndCommentLinesAndJoinsSeveralLists() throws Exception {
        Fixtures.writeImage(dir.resolve("a/1.png"), 6, 5, 0);
        Fixtures.writeImage(dir.resolve("a/2.png"), 6, 5, 1);
        Fixtures.writeImage(dir.resolve("b/3.png"), 4, 4, 2);
        Fixtures.writeText(dir.resolve("l1.txt"), "# header\n1.png\n\n  2.png  \n");
        Fixtures.writeText(dir.resolve("l2.txt"), "3.png 17\n");
        DataSource s = build("type = SSLSourceImageList, list_file = [" + q(dir.resolve("l1.txt")) + ", "
                + q(dir.resolve("l2.txt")) + "], root = [" + q(dir.resolve("a")) + ", " + q(dir.resolve("b")) + "]");
        assertEquals(3, s.size());
        assertFalse(s.labelled());
        Sample x = s.load(2, IMAGEIO);
        assertEquals(Sample.NO_LABEL, x.label());
        assertEquals(4, x.image().width());
        assertEquals(3, x.image().channels());
        assertTrue(x.origin().endsWith("3.png"));
        ByteImage first = (ByteImage) s.load(0, IMAGEIO).image();
        assertEquals(0, first.get(0, 0, 0));
        assertEquals(5, first.get(5, 0, 0)); // r = seed + x
    }

    @Test
    void missingListFileOrRootFailsAtCreateNamingTheFile() {
        Path missing = dir.resolve("nope.txt");
        ComponentBuildException e = assertThrows(ComponentBuildException.class,
                () -> build("type = SSLSourceImageList, list_file = " + q(missing)));
        assertTrue(e.getMessage().contains("nope.txt") && e.getMessage().contains("does not exist"), e.getMessage());
        Fixtures.writeText(dir.resolve("l.txt"), "x.png\n");
        e = assertThrows(ComponentBuildException.class, () -> build("type = SSLSourceImageList, list_file = "
                + q(dir.resolve("l.txt")) + ", root = " + q(dir.resolve("noroot"))));
        assertTrue(e.getMessage().contains("noroot") && e.getMessage().contains("root"), e.getMessage());
    }

    @Test
    void rootCountMustMatchListCount() {
        ConfigNode[] n = new ConfigNode[1];
        Fixtures.parse(COMPONENTS, "type = SSLSourceImageList, list_file = [a, b, c], root = [x, y]",
                DataKinds.DATA_SOURCE, n);
        assertEquals(1, n[0].problems().list().size());
        assertTrue(n[0].problems().list().get(0).toString().contains("root"), n[0].problems().list().toString());
    }

    @Test
    void clsListReportsMalformedLinesWithFileAndLine() {
        Fixtures.writeImage(dir.resolve("img/a.png"), 4, 4, 0);
        Fixtures.writeImage(dir.resolve("img/b c.png"), 4, 4, 0);
        Path list = Fixtures.writeText(dir.resolve("train.txt"),
                "a.png 1\nb c.png 0\njustapath\nx.png notanumber\n# comment\ny.png -3\n");
        DataSource s = build("type = ClsSourceImageList, list_file = " + q(list) + ", root = " + q(dir.resolve("img")));
        assertEquals(2, s.size());
        assertEquals(2, s.numClasses());
        List<BadSample> problems = s.listProblems();
        assertEquals(3, problems.size(), problems.toString());
        assertEquals(list + ":3", problems.get(0).where());
        assertTrue(problems.get(0).reason().contains("malformed"), problems.get(0).reason());
        assertEquals(list + ":4", problems.get(1).where());
        assertTrue(problems.get(1).reason().contains("not an integer"));
        assertEquals(list + ":6", problems.get(2).where());
        assertTrue(problems.get(2).reason().contains("out of range"));
    }

    @Test
    void clsListMapsClassNamesThroughClassList() throws Exception {
        Fixtures.writeImage(dir.resolve("a.png"), 4, 4, 0);
        Path classes = Fixtures.writeText(dir.resolve("classes.txt"), "cat\ndog\nbird\n");
        Path list = Fixtures.writeText(dir.resolve("l.txt"), "a.png dog\na.png 2\na.png 3\na.png fish\n");
        DataSource s = build("type = ClsSourceImageList, list_file = " + q(list) + ", root = " + q(dir)
                + ", class_list = " + q(classes));
        assertEquals(2, s.size());
        assertEquals(List.of("cat", "dog", "bird"), s.classNames());
        assertEquals(1, s.load(0, IMAGEIO).label());
        assertEquals(2, s.load(1, IMAGEIO).label());
        assertEquals(2, s.listProblems().size());
        assertTrue(s.listProblems().get(0).reason().contains("out of range [0, 3)"), s.listProblems().toString());
    }

    @Test
    void clsListTakesTheClassListAsAListAsEasyCvsImageNetConfigsWriteIt() throws Exception {
        Fixtures.writeImage(dir.resolve("a.png"), 4, 4, 0);
        // EasyCV's ImageNet bases list the names '0' ... '999': a label is looked up by name.
        Path list = Fixtures.writeText(dir.resolve("l.txt"), "a.png 2\na.png dog\na.png 3\n");
        DataSource s = build("type = ClsSourceImageList, list_file = " + q(list) + ", root = " + q(dir)
                + ", class_list = [\"0\", dog, \"2\"]");
        assertEquals(List.of("0", "dog", "2"), s.classNames());
        assertEquals(2, s.size());
        assertEquals(2, s.load(0, IMAGEIO).label());
        assertEquals(1, s.load(1, IMAGEIO).label());
        assertTrue(s.listProblems().get(0).reason().contains("out of range [0, 3)"), s.listProblems().toString());
        ConfigNode[] n = new ConfigNode[1];
        Fixtures.parse(COMPONENTS, "type = ClsSourceImageList, list_file = " + q(list) + ", class_list = [a, b, a]",
                DataKinds.DATA_SOURCE, n);
        assertTrue(n[0].problems().list().toString().contains("class \"a\" at index 2 already named at index 0"),
                n[0].problems().list().toString());
    }

    @Test
    void missingCorruptAndTruncatedImagesAreBadSamplesWithPathAndReason() throws Exception {
        Fixtures.writeImage(dir.resolve("ok.jpg"), 8, 8, 0);
        byte[] jpeg = Fixtures.encode(Fixtures.gradient(16, 16, 0), "jpg");
        Fixtures.write(dir.resolve("trunc.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        byte[] png = Fixtures.encode(Fixtures.gradient(16, 16, 0), "png");
        Fixtures.write(dir.resolve("trunc.png"), Arrays.copyOf(png, png.length - 20));
        Fixtures.writeText(dir.resolve("garbage.jpg"), "this is not an image");
        Files.createDirectories(dir.resolve("folder.jpg"));
        Path list = Fixtures.writeText(dir.resolve("l.txt"),
                "ok.jpg 0\nmissing.jpg 0\ntrunc.jpg 0\ngarbage.jpg 1\ntrunc.png 0\nfolder.jpg 1\n");
        DataSource s = build("type = ClsSourceImageList, list_file = " + q(list) + ", root = " + q(dir));
        assertEquals(6, s.size());
        assertEquals(8, s.load(0, IMAGEIO).image().width());
        BadSampleException e = assertThrows(BadSampleException.class, () -> s.load(1, IMAGEIO));
        assertEquals(dir.resolve("missing.jpg").toString(), e.bad().where());
        assertEquals("file not found (listed at " + list + ":2)", e.bad().reason());
        e = assertThrows(BadSampleException.class, () -> s.load(2, IMAGEIO));
        assertTrue(e.bad().reason().contains("truncated JPEG"), e.bad().reason());
        e = assertThrows(BadSampleException.class, () -> s.load(3, IMAGEIO));
        assertTrue(e.bad().where().endsWith("garbage.jpg"));
        assertTrue(e.bad().reason().contains("not an image"), e.bad().reason());
        e = assertThrows(BadSampleException.class, () -> s.load(4, IMAGEIO));
        assertTrue(e.bad().reason().contains("truncated PNG"), e.bad().reason());
        e = assertThrows(BadSampleException.class, () -> s.load(5, IMAGEIO));
        assertEquals(dir.resolve("folder.jpg").toString(), e.bad().where());
        assertEquals("is a directory, not an image file (listed at " + list + ":6)", e.bad().reason());
    }

    @Test
    void imageFolderIndexesSortedClassFolders() throws Exception {
        Fixtures.writeImage(dir.resolve("zebra/1.png"), 4, 4, 0);
        Fixtures.writeImage(dir.resolve("ant/x/2.png"), 4, 4, 0);
        Fixtures.writeImage(dir.resolve("ant/3.JPG"), 4, 4, 0);
        Fixtures.writeText(dir.resolve("ant/notes.txt"), "ignored");
        DataSource s = build("type = ClsSourceImageFolder, root = " + q(dir));
        assertEquals(List.of("ant", "zebra"), s.classNames());
        assertEquals(3, s.size());
        int[] labels = new int[3];
        for (int i = 0; i < 3; i++) {
            labels[i] = s.load(i, IMAGEIO).label();
        }
        assertArrayEquals(new int[] {0, 0, 1}, labels);
    }

    @Test
    void imageNetReadsEasyCvMetaListsAndLabelNames() throws Exception {
        Fixtures.writeImage(dir.resolve("train/n02/t1.png"), 4, 4, 0);
        Fixtures.writeImage(dir.resolve("train/n01/t2.png"), 5, 4, 0);
        Fixtures.writeImage(dir.resolve("val/n02/v1.png"), 4, 4, 0);
        Fixtures.writeText(dir.resolve("meta/train.txt"), "train/n02/t1.png\ntrain/n01/t2.png\ntrain/n09/x.png\nflat.png\n");
        Fixtures.writeText(dir.resolve("meta/val.txt"), "val/n02/v1.png\n");
        Fixtures.writeText(dir.resolve("meta/label_name.txt"), "n02 1 goldfish\nn01 0 tench, Tinca tinca\n");
        DataSource train = build("type = ClsSourceImageNet1k, root = " + q(dir));
        assertEquals(2, train.size());
        assertEquals(List.of("tench, Tinca tinca", "goldfish"), train.classNames());
        assertEquals(1, train.load(0, IMAGEIO).label());
        assertEquals(0, train.load(1, IMAGEIO).label());
        assertEquals(5, train.load(1, IMAGEIO).image().width());
        assertEquals(2, train.listProblems().size());
        assertTrue(train.listProblems().get(0).toString().contains("train.txt:3")
                && train.listProblems().get(0).toString().contains("n09"), train.listProblems().toString());
        DataSource test = build("type = ClsSourceImageNet1k, root = " + q(dir) + ", split = test");
        assertEquals(1, test.size());
        assertEquals(1, test.load(0, IMAGEIO).label());
        assertTrue(test.load(0, IMAGEIO).origin().endsWith("v1.png"));
    }

    @Test
    void imageNetRejectsEasyCvsOtherSplitNamesAndBadLabelFiles() throws Exception {
        ConfigNode[] n = new ConfigNode[1];
        Fixtures.parse(COMPONENTS, "type = ClsSourceImageNet1k, root = " + q(dir) + ", split = val",
                DataKinds.DATA_SOURCE, n);
        assertTrue(n[0].problems().list().toString().contains("split"), n[0].problems().list().toString());
        Fixtures.writeText(dir.resolve("meta/train.txt"), "train/n01/a.png\n");
        Fixtures.writeText(dir.resolve("meta/label_name.txt"), "n01 0 tench\nn02 zero goldfish\n");
        ComponentBuildException e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceImageNet1k, root = " + q(dir)));
        assertTrue(e.getMessage().contains("label_name.txt:2") && e.getMessage().contains("not an integer"),
                e.getMessage());
    }

    @Test
    void idxReadsGzippedAndPlainFiles() throws Exception {
        byte[] px = new byte[3 * 2 * 2];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 20);
        }
        Idx.writeImages(dir.resolve("train-images-idx3-ubyte.gz"), new Idx.Images(3, 2, 2, px));
        Idx.writeLabels(dir.resolve("train-labels-idx1-ubyte"), new byte[] {4, 0, 9});
        DataSource s = build("type = ClsSourceIdx, root = " + q(dir));
        assertEquals(3, s.size());
        assertEquals(10, s.numClasses());
        Sample x = s.load(1, IMAGEIO);
        assertEquals(0, x.label());
        ByteImage img = (ByteImage) x.image();
        assertEquals(1, img.channels());
        assertEquals(80, img.get(0, 0, 0));
        assertEquals(140, img.get(1, 1, 0));
        DataSource rgb = build("type = ClsSourceIdx, root = " + q(dir) + ", to_rgb = true, max_data_num = 2");
        assertEquals(2, rgb.size());
        assertEquals(3, rgb.load(0, IMAGEIO).image().channels());
    }

    @Test
    void idxStartAndMaxDataNumTakeDisjointRangesOfOneSplit() throws Exception {
        byte[] px = new byte[5];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (10 * i);
        }
        Idx.writeImages(dir.resolve("train-images-idx3-ubyte.gz"), new Idx.Images(5, 1, 1, px));
        Idx.writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), new byte[] {0, 1, 2, 3, 4});
        DataSource train = build("type = ClsSourceIdx, root = " + q(dir) + ", max_data_num = 3");
        DataSource val = build("type = ClsSourceIdx, root = " + q(dir) + ", start = 3");
        DataSource middle = build("type = ClsSourceIdx, root = " + q(dir) + ", start = 1, max_data_num = 2");
        assertEquals(3, train.size());
        assertEquals(2, val.size());
        assertEquals(2, middle.size());
        // Sample i of a part is image start + i: labels and pixels follow, the sample index stays the part's own.
        Sample v = val.load(1, IMAGEIO);
        assertEquals(1, v.index());
        assertEquals(4, v.label());
        assertEquals(40, ((ByteImage) v.image()).get(0, 0, 0));
        assertTrue(v.origin().endsWith("#4"), v.origin());
        assertEquals(1, middle.load(0, IMAGEIO).label());
        assertEquals(2, middle.load(1, IMAGEIO).label());
        assertEquals(5, val.numClasses()); // the file's classes, not just the part's
        ComponentBuildException e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceIdx, root = " + q(dir) + ", start = 5"));
        assertTrue(e.getMessage().contains("start = 5") && e.getMessage().contains("holds 5 images"), e.getMessage());
    }

    @Test
    void idxCountMismatchAndBadMagicFailAtCreate() throws Exception {
        Idx.writeImages(dir.resolve("i.gz"), new Idx.Images(2, 1, 1, new byte[2]));
        Idx.writeLabels(dir.resolve("l.gz"), new byte[3]);
        ComponentBuildException e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceIdx, images = " + q(dir.resolve("i.gz")) + ", labels = " + q(dir.resolve("l.gz"))));
        assertTrue(e.getMessage().contains("2 images but") && e.getMessage().contains("3 labels"), e.getMessage());
        e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceIdx, images = " + q(dir.resolve("l.gz")) + ", labels = " + q(dir.resolve("l.gz"))));
        assertTrue(e.getMessage().contains("not an IDX image file"), e.getMessage());
        Files.write(dir.resolve("short"), new byte[] {0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2});
        e = assertThrows(ComponentBuildException.class,
                () -> build("type = ClsSourceIdx, images = " + q(dir.resolve("short")) + ", labels = " + q(dir.resolve("l.gz"))));
        assertTrue(e.getMessage().contains("truncated IDX"), e.getMessage());
    }

    @Test
    void badSampleBudgetCountsDistinctSamplesAndFailsWithSummary() {
        BadSamples bad = new BadSamples("data.train", 2);
        bad.report(0, new BadSample("/x/a.jpg", "file not found"));
        bad.report(0, new BadSample("/x/a.jpg", "file not found"));
        bad.report(1, new BadSample("/x/b.jpg", "truncated JPEG"));
        assertEquals(2, bad.count());
        assertTrue(bad.isBadIndex(1));
        TooManyBadSamplesException e = assertThrows(TooManyBadSamplesException.class,
                () -> bad.report(2, new BadSample("/x/c.jpg", "corrupt")));
        assertTrue(e.getMessage().startsWith("data.train: 3 bad samples, more than max_bad_samples = 2"), e.getMessage());
        assertTrue(e.getMessage().contains("/x/b.jpg: truncated JPEG"), e.getMessage());
    }
}
