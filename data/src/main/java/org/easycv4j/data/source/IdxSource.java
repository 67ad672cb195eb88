package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.ListLines;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.sample.Sample;

/**
 * {@code type = ClsSourceIdx}: MNIST / Fashion-MNIST IDX files, gzipped or not, held in memory.
 * Keys: either {@code root} + {@code split} ("train" or "test": the standard names
 * {@code train-images-idx3-ubyte[.gz]} / {@code t10k-...}), or {@code images} + {@code labels} (explicit
 * files); {@code classes} (optional class names; Fashion-MNIST's when {@code root} holds Fashion-MNIST is not
 * guessed), {@code start} (the first image taken, default 0) and {@code max_data_num} (how many from there; 0 = all
 * the rest): images [start, start + max_data_num) of the file, so one split can be carved into disjoint parts
 * (e.g. training images [0, 55000) and a validation split [55000, 60000)); {@code to_rgb} (default false:
 * 1-channel images).
 */
public final class IdxSource {

    /** Fashion-MNIST's class names, index order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The standard split of an IDX data set ({@code split}) and its files' name prefix. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }

        /** {@code train} or {@code t10k}, as in {@code t10k-images-idx3-ubyte}. */
        public String filePrefix() {
            return filePrefix;
        }
    }

    public record Settings(Optional<Path> root, Split split, Optional<Path> images, Optional<Path> labels,
            List<String> classes, int start, int maxDataNum, boolean toRgb) {
        public static Settings fromConfig(ConfigNode node) {
            Optional<Path> root = node.path("root");
            Split split = node.choice("split", Split.TRAIN);
            Optional<Path> images = node.path("images");
            Optional<Path> labels = node.path("labels");
            if (root.isPresent()) {
                node.check(images.isEmpty(), "images", "give either root + split or images + labels, not both");
                node.check(labels.isEmpty(), "labels", "give either root + split or images + labels, not both");
            } else {
                node.check(images.isPresent(), "images", "missing: give root + split, or images + labels");
                node.check(labels.isPresent(), "labels", "missing: give root + split, or images + labels");
            }
            List<String> classes = node.strings("classes", List.of());
            int start = node.integerAtLeast("start", 0, 0);
            int max = node.integerAtLeast("max_data_num", 0, 0);
            return new Settings(root, split, images, labels, classes, start, max, node.bool("to_rgb", false));
        }
    }

    private IdxSource() {}

    /** Reads the IDX image and label files. */
    public static DataSource open(Settings s) throws IOException {
        Path images;
        Path labels;
        if (s.root().isPresent()) {
            ListFiles.requireDir(s.root().get(), "root");
            String prefix = s.split().filePrefix();
            images = standard(s.root().get(), prefix + "-images-idx3-ubyte");
            labels = standard(s.root().get(), prefix + "-labels-idx1-ubyte");
        } else {
            images = s.images().orElseThrow();
            labels = s.labels().orElseThrow();
            ListLines.requireFile(images, "images");
            ListLines.requireFile(labels, "labels");
        }
        Idx.Images img = Idx.readImages(images);
        byte[] lab = Idx.readLabels(labels);
        if (img.count() != lab.length) {
            throw new IOException(images + " holds " + img.count() + " images but " + labels + " holds " + lab.length
                    + " labels");
        }
        int max = 0;
        for (byte b : lab) {
            max = Math.max(max, b & 0xFF);
        }
        if (!s.classes().isEmpty() && max >= s.classes().size()) {
            throw new IOException(labels + " has label " + max + " but classes names only " + s.classes().size());
        }
        if (s.start() >= img.count()) {
            throw new IOException("start = " + s.start() + " but " + images + " holds " + img.count() + " images");
        }
        int rest = img.count() - s.start();
        int n = s.maxDataNum() > 0 ? Math.min(s.maxDataNum(), rest) : rest;
        return new Source(img, lab, s.start(), n, images.toString(), s.classes(), Math.max(max + 1, s.classes().size()),
                s.toRgb());
    }

    private static Path standard(Path root, String name) throws IOException {
        Path gz = root.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = root.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new IOException("root: neither " + gz.toAbsolutePath() + " nor " + raw.toAbsolutePath() + " exists");
    }

    /** The in-memory IDX data. */
    static final class Source implements DataSource {
        private final Idx.Images images;
        private final byte[] labels;
        private final int start;
        private final int size;
        private final String file;
        private final List<String> classes;
        private final int numClasses;
        private final boolean toRgb;

        /** Images [start, start + size) of the file; sample i is image start + i. */
        Source(Idx.Images images, byte[] labels, int start, int size, String file, List<String> classes,
                int numClasses, boolean toRgb) {
            this.images = images;
            this.labels = labels;
            this.start = start;
            this.size = size;
            this.file = file;
            this.classes = List.copyOf(classes);
            this.numClasses = numClasses;
            this.toRgb = toRgb;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Sample load(int index, ImageBackend backend) {
            int i = start + index;
            ByteImage img = new ByteImage(images.cols(), images.rows(), 1, images.image(i));
            return new Sample(index, toRgb ? img.toRgb() : img, labels[i] & 0xFF, file + "#" + i);
        }

        @Override
        public boolean labelled() {
            return true;
        }

        @Override
        public int numClasses() {
            return numClasses;
        }

        @Override
        public List<String> classNames() {
            return classes;
        }

        @Override
        public List<BadSample> listProblems() {
            return List.of();
        }
    }
}
