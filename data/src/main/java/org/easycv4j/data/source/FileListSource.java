package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.EncodedImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageFiles;
import org.easycv4j.data.image.ImageDecodeException;
import org.easycv4j.data.image.ImageFormats;

/**
 * Image files named relative to one of several roots, with optional labels. Entries are kept in flat
 * arrays (ImageNet has 1.28 M of them), not as one object per file.
 */
public final class FileListSource implements DataSource {
    private final Path[] roots;
    private final String[] listNames;
    private final String[] paths;
    private final short[] rootOf;
    private final int[] listOf;
    private final int[] lineOf;
    private final int[] labels;
    private final boolean toRgb;
    private final List<String> classNames;
    private final int numClasses;
    private final List<BadSample> listProblems;

    private FileListSource(Builder b) {
        this.roots = b.roots.toArray(Path[]::new);
        this.listNames = b.lists.toArray(String[]::new);
        this.paths = Arrays.copyOf(b.paths, b.size);
        this.rootOf = Arrays.copyOf(b.rootOf, b.size);
        this.listOf = Arrays.copyOf(b.listOf, b.size);
        this.lineOf = Arrays.copyOf(b.lineOf, b.size);
        this.labels = b.labelled ? Arrays.copyOf(b.labels, b.size) : null;
        this.toRgb = b.toRgb;
        this.classNames = List.copyOf(b.classNames);
        int max = -1;
        if (labels != null) {
            for (int l : labels) {
                max = Math.max(max, l);
            }
        }
        this.numClasses = labels == null ? 0 : Math.max(classNames.size(), max + 1);
        this.listProblems = List.copyOf(b.problems);
    }

    @Override
    public int size() {
        return paths.length;
    }

    /** The file of entry {@code index}. */
    public Path file(int index) {
        return roots[rootOf[index]].resolve(paths[index]);
    }

    /** The entry's label, or {@link Sample#NO_LABEL}. */
    public int label(int index) {
        return labels == null ? Sample.NO_LABEL : labels[index];
    }

    @Override
    public Sample load(int index, ImageBackend backend) throws BadSampleException {
        return load(index, backend, false);
    }

    @Override
    public java.util.Optional<String> labelBeyond(int classes) {
        if (labels == null) {
            return java.util.Optional.empty();
        }
        int first = -1;
        int count = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                first = first < 0 ? i : first;
                count++;
            }
        }
        if (first < 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(listedAt(first) + ": label " + labels[first]
                + (count > 1 ? " (and " + (count - 1) + " more entries with a label >= " + classes + ")" : ""));
    }

    @Override
    public Sample loadEncoded(int index, ImageBackend backend) throws BadSampleException {
        return load(index, backend, true);
    }

    /** The file's bytes; a missing or unreadable file is a bad sample naming it and where it was listed. */
    private byte[] read(int index) throws BadSampleException {
        Path file = file(index);
        String where = file.toString();
        try {
            return ImageFiles.read(file);
        } catch (NoSuchFileException e) {
            throw new BadSampleException(where, "file not found (listed at " + listedAt(index) + ")");
        } catch (AccessDeniedException e) {
            throw new BadSampleException(where, "permission denied");
        } catch (FileSystemException e) {
            throw new BadSampleException(where, e.getReason() + " (listed at " + listedAt(index) + ")");
        } catch (IOException e) {
            throw new BadSampleException(where, "cannot read: " + e, e);
        }
    }

    @Override
    public java.util.Optional<Stored> stored(int index) throws BadSampleException {
        String where = file(index).toString();
        byte[] bytes = read(index);
        try {
            ImageFormats.checkComplete(bytes);
        } catch (ImageDecodeException e) {
            throw new BadSampleException(where, e.getMessage(), e);
        }
        String ext = ImageFormats.extension(bytes).orElseThrow(() -> new BadSampleException(where,
                "not an image format a shard can name (expected JPEG, PNG, BMP, GIF, WebP, TIFF or PNM bytes)"));
        return java.util.Optional.of(new Stored(bytes, ext, label(index), where));
    }

    private Sample load(int index, ImageBackend backend, boolean encoded) throws BadSampleException {
        return decode(index, read(index), label(index), file(index).toString(), toRgb, backend, encoded);
    }

    /**
     * An entry's file bytes as a sample: decoded, or with {@code encoded} a JPEG left encoded (its header and
     * end checked) for a first transform that decodes it itself; an undecodable file is a bad sample at {@code where}.
     */
    public static Sample decode(int index, byte[] bytes, int label, String where, boolean toRgb, ImageBackend backend,
            boolean encoded) throws BadSampleException {
        try {
            if (encoded) {
                java.util.Optional<EncodedImage> jpeg = EncodedImage.jpeg(bytes, toRgb);
                if (jpeg.isPresent()) {
                    ImageFormats.checkComplete(bytes);
                    return new Sample(index, jpeg.get(), label, where);
                }
            }
            return new Sample(index, backend.decode(bytes, toRgb), label, where);
        } catch (ImageDecodeException e) {
            throw new BadSampleException(where, e.getMessage(), e);
        }
    }

    /** "list.txt:12" for list-based entries, the root folder otherwise. */
    public String listedAt(int index) {
        int l = listOf[index];
        return lineOf[index] > 0 ? listNames[l] + ":" + lineOf[index] : listNames[l];
    }

    @Override
    public boolean labelled() {
        return labels != null;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public List<BadSample> listProblems() {
        return listProblems;
    }

    /** Collects entries; roots and list names are registered once and referred to by index. */
    public static final class Builder {
        private final List<Path> roots = new ArrayList<>();
        private final List<String> lists = new ArrayList<>();
        private final List<BadSample> problems = new ArrayList<>();
        private final boolean labelled;
        private final boolean toRgb;
        private List<String> classNames = List.of();
        private String[] paths = new String[1024];
        private short[] rootOf = new short[1024];
        private int[] listOf = new int[1024];
        private int[] lineOf = new int[1024];
        private int[] labels = new int[1024];
        private int size;

        public Builder(boolean labelled, boolean toRgb) {
            this.labelled = labelled;
            this.toRgb = toRgb;
        }

        public int addRoot(Path root) {
            if (roots.size() == Short.MAX_VALUE) {
                throw new IllegalArgumentException("too many roots");
            }
            roots.add(root);
            return roots.size() - 1;
        }

        public int addList(String name) {
            lists.add(name);
            return lists.size() - 1;
        }

        public Builder classNames(List<String> names) {
            this.classNames = names;
            return this;
        }

        public void problem(String where, String reason) {
            problems.add(new BadSample(where, reason));
        }

        /** Adds an entry; {@code line} is 1-based, or 0 when the entry does not come from a list file. */
        public void add(int root, String path, int label, int list, int line) {
            if (size == paths.length) {
                int n = size * 2;
                paths = Arrays.copyOf(paths, n);
                rootOf = Arrays.copyOf(rootOf, n);
                listOf = Arrays.copyOf(listOf, n);
                lineOf = Arrays.copyOf(lineOf, n);
                labels = Arrays.copyOf(labels, n);
            }
            paths[size] = path;
            rootOf[size] = (short) root;
            listOf[size] = list;
            lineOf[size] = line;
            labels[size] = label;
            size++;
        }

        public int size() {
            return size;
        }

        public FileListSource build() {
            return new FileListSource(this);
        }
    }
}
