package org.easycv4j.data.source;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.ClassList;
import org.easycv4j.core.data.ListLines;
import org.easycv4j.core.io.HostTensor;
import org.easycv4j.core.io.Pickles;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.sample.Sample;

/**
 * {@code type = ClsSourceCifar10} / {@code ClsSourceCifar100}: EasyCV's CIFAR sources (torchvision's layout).
 * Keys, as EasyCV's: {@code root} (the folder holding the extracted archive) and {@code split} ("train" or
 * "test"). Under {@code root} the python version ({@code cifar-10-batches-py/}, {@code cifar-100-python/}) is
 * read when present, else the binary version ({@code cifar-10-batches-bin/}, {@code cifar-100-binary/});
 * CIFAR-100 uses the 100 fine labels, as EasyCV does. Images are held in memory (32x32 RGB).
 */
public final class CifarSource {
    private static final int SIDE = 32;
    private static final int PIXELS = 3 * SIDE * SIDE;

    /** Which CIFAR: its folders, batch files and label key. */
    public enum Variant {
        CIFAR10("cifar-10-batches-py", List.of("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4",
                "data_batch_5"), "test_batch", "batches.meta", "label_names", "labels", "cifar-10-batches-bin",
                "batches.meta.txt", 10, 1),
        CIFAR100("cifar-100-python", List.of("train"), "test", "meta", "fine_label_names", "fine_labels",
                "cifar-100-binary", "fine_label_names.txt", 100, 2);

        final String pyFolder;
        final List<String> trainBatches;
        final String testBatch;
        final String meta;
        final String namesKey;
        final String labelsKey;
        final String binFolder;
        final String binNames;
        final int classes;
        /** Label bytes before each binary record's pixels (CIFAR-100: coarse, fine). */
        final int labelBytes;

        Variant(String pyFolder, List<String> trainBatches, String testBatch, String meta, String namesKey,
                String labelsKey, String binFolder, String binNames, int classes, int labelBytes) {
            this.pyFolder = pyFolder;
            this.trainBatches = trainBatches;
            this.testBatch = testBatch;
            this.meta = meta;
            this.namesKey = namesKey;
            this.labelsKey = labelsKey;
            this.binFolder = binFolder;
            this.binNames = binNames;
            this.classes = classes;
            this.labelBytes = labelBytes;
        }

        /** The python version's folder in the official archive. */
        public String pythonFolder() {
            return pyFolder;
        }

        /** The binary version's folder in the official archive. */
        public String binaryFolder() {
            return binFolder;
        }

        List<String> batches(String split) {
            return split.equals("train") ? trainBatches : List.of(testBatch);
        }
    }

    /** The {@code root} folder and {@code split} ("train" or "test"). */
    public record Settings(Path root, String split) {
        public static Settings fromConfig(ConfigNode node, Variant variant) {
            node.check(node.has("root"), "root", "missing required key, expected the folder holding "
                    + variant.pyFolder + "/ (or " + variant.binFolder + "/)");
            return new Settings(node.path("root").orElse(Path.of("")), node.choice("split", "train",
                    List.of("train", "test")));
        }
    }

    private CifarSource() {}

    /** Reads a split of {@code variant} under {@code root}. */
    public static DataSource read(Variant variant, Path root, String split) throws IOException {
        ListFiles.requireDir(root, "root");
        Path py = root.resolve(variant.pyFolder);
        Path bin = root.resolve(variant.binFolder);
        List<byte[]> pixels = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        List<String> names;
        String origin;
        if (Files.isDirectory(py)) {
            for (String b : variant.batches(split)) {
                Path file = py.resolve(b);
                ListLines.requireFile(file, "root (" + variant.pyFolder + " batch)");
                readPythonBatch(variant, file, pixels, labels);
            }
            names = pythonNames(variant, py.resolve(variant.meta));
            origin = py.toString();
        } else if (Files.isDirectory(bin)) {
            for (String b : variant.batches(split)) {
                Path file = bin.resolve(b + ".bin");
                ListLines.requireFile(file, "root (" + variant.binFolder + " batch)");
                readBinaryBatch(variant, file, pixels, labels);
            }
            Path namesFile = bin.resolve(variant.binNames);
            names = Files.isRegularFile(namesFile) ? ClassList.read(namesFile, "root (class names)") : List.of();
            origin = bin.toString();
        } else {
            throw new IOException("root: " + root.toAbsolutePath() + " holds neither " + variant.pyFolder + "/ (python "
                    + "version) nor " + variant.binFolder + "/ (binary version); extract the official archive there "
                    + "(tools/prepare-data " + variant.name().toLowerCase(Locale.ROOT)
                    + " --from ARCHIVE.tar.gz --out " + root + ")");
        }
        if (!names.isEmpty() && names.size() != variant.classes) {
            throw new IOException(origin + ": the class-name file names " + names.size() + " classes, expected "
                    + variant.classes);
        }
        int n = 0;
        for (int[] l : labels) {
            n += l.length;
        }
        byte[] allPixels = new byte[n * PIXELS];
        int[] allLabels = new int[n];
        int at = 0;
        for (int i = 0; i < pixels.size(); i++) {
            System.arraycopy(pixels.get(i), 0, allPixels, at * PIXELS, labels.get(i).length * PIXELS);
            System.arraycopy(labels.get(i), 0, allLabels, at, labels.get(i).length);
            at += labels.get(i).length;
        }
        return new Source(allPixels, allLabels, names, variant.classes, origin + "/" + split);
    }

    /** A python-version batch: a dict with {@code data} (uint8 N x 3072) and the label list. */
    static void readPythonBatch(Variant variant, Path file, List<byte[]> pixels, List<int[]> labels)
            throws IOException {
        Object root = Pickles.read(file);
        String expected = "a dict with \"data\" (uint8 array N x 3072) and \"" + variant.labelsKey + "\" (N integers)";
        if (!(root instanceof Map<?, ?> d)) {
            throw new IOException(file + ": expected " + expected + ", got " + typeName(root));
        }
        if (!(d.get("data") instanceof HostTensor data)) {
            throw new IOException(file + ": expected " + expected + "; \"data\" is " + typeName(d.get("data"))
                    + " (keys: " + d.keySet() + ")");
        }
        long[] shape = data.shape().getShape();
        if (data.dtype() != DataType.UINT8 || shape.length != 2 || shape[1] != PIXELS) {
            throw new IOException(file + ": expected " + expected + "; \"data\" is " + data.dtype() + " " + data.shape());
        }
        if (!(d.get(variant.labelsKey) instanceof List<?> list)) {
            throw new IOException(file + ": expected " + expected + "; \"" + variant.labelsKey + "\" is "
                    + typeName(d.get(variant.labelsKey)) + " (keys: " + d.keySet() + ")");
        }
        if (list.size() != shape[0]) {
            throw new IOException(file + ": " + shape[0] + " images but " + list.size() + " labels");
        }
        int[] l = new int[list.size()];
        for (int i = 0; i < l.length; i++) {
            if (!(list.get(i) instanceof Number num) || num.intValue() < 0 || num.intValue() >= variant.classes) {
                throw new IOException(file + ": label " + i + " is " + list.get(i) + ", expected an integer in [0, "
                        + variant.classes + ")");
            }
            l[i] = num.intValue();
        }
        pixels.add(data.data());
        labels.add(l);
    }

    /** A binary-version batch: records of label byte(s) and 3072 pixel bytes (planes R, G, B). */
    static void readBinaryBatch(Variant variant, Path file, List<byte[]> pixels, List<int[]> labels)
            throws IOException {
        byte[] raw = Files.readAllBytes(file);
        int record = variant.labelBytes + PIXELS;
        if (raw.length == 0 || raw.length % record != 0) {
            throw new IOException(file + ": " + raw.length + " bytes is not a whole number of " + record
                    + "-byte records (" + variant.labelBytes + " label byte(s) + 3072 pixels)");
        }
        int n = raw.length / record;
        byte[] p = new byte[n * PIXELS];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            int label = raw[i * record + variant.labelBytes - 1] & 0xFF;
            if (label >= variant.classes) {
                throw new IOException(file + ": record " + i + " has label " + label + ", expected [0, "
                        + variant.classes + ")");
            }
            l[i] = label;
            System.arraycopy(raw, i * record + variant.labelBytes, p, i * PIXELS, PIXELS);
        }
        pixels.add(p);
        labels.add(l);
    }

    private static List<String> pythonNames(Variant variant, Path meta) throws IOException {
        if (!Files.isRegularFile(meta)) {
            return List.of();
        }
        if (!(Pickles.read(meta) instanceof Map<?, ?> d) || !(d.get(variant.namesKey) instanceof List<?> names)) {
            throw new IOException(meta + ": expected a dict with \"" + variant.namesKey + "\" (a list of class names)");
        }
        return names.stream().map(String::valueOf).toList();
    }

    private static String typeName(Object o) {
        return o == null ? "missing" : o instanceof HostTensor t ? "an array " + t.dtype() + " " + t.shape()
                : o.getClass().getSimpleName();
    }

    /** The images in memory, planar (CHW) as the files store them. */
    static final class Source implements DataSource {
        private final byte[] pixels;
        private final int[] labels;
        private final List<String> names;
        private final int classes;
        private final String origin;

        Source(byte[] pixels, int[] labels, List<String> names, int classes, String origin) {
            this.pixels = pixels;
            this.labels = labels;
            this.names = List.copyOf(names);
            this.classes = classes;
            this.origin = origin;
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public Sample load(int index, ImageBackend backend) {
            int plane = SIDE * SIDE;
            int base = index * PIXELS;
            byte[] hwc = new byte[PIXELS];
            for (int i = 0; i < plane; i++) {
                hwc[3 * i] = pixels[base + i];
                hwc[3 * i + 1] = pixels[base + plane + i];
                hwc[3 * i + 2] = pixels[base + 2 * plane + i];
            }
            return new Sample(index, new ByteImage(SIDE, SIDE, 3, hwc), labels[index], origin + "#" + index);
        }

        @Override
        public boolean labelled() {
            return true;
        }

        @Override
        public int numClasses() {
            return classes;
        }

        @Override
        public List<String> classNames() {
            return names;
        }

        @Override
        public List<BadSample> listProblems() {
            return List.of();
        }
    }
}
