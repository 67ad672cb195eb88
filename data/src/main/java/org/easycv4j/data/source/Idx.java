package org.easycv4j.data.source;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian magic (0x0803 for unsigned-byte images of rank 3,
 * 0x0801 for label vectors), the dimensions, then the bytes. Files may be gzipped (detected by content).
 */
public final class Idx {
    private Idx() {}

    /** Grey images, row-major, {@code count * rows * cols} bytes. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** A copy of image {@code i}. */
        public byte[] image(int i) {
            byte[] out = new byte[rows * cols];
            System.arraycopy(pixels, i * rows * cols, out, 0, out.length);
            return out;
        }
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException(file + ": not an IDX image file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x803: unsigned bytes, 3 dimensions)");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (n < 0 || rows < 1 || cols < 1 || (long) n * rows * cols > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": bad IDX dimensions " + n + " x " + rows + " x " + cols);
            }
            byte[] px = new byte[n * rows * cols];
            readFully(in, px, file, "images");
            return new Images(n, rows, cols, px);
        }
    }

    public static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new IOException(file + ": not an IDX label file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x801: unsigned bytes, 1 dimension)");
            }
            int n = in.readInt();
            if (n < 0) {
                throw new IOException(file + ": bad IDX label count " + n);
            }
            byte[] labels = new byte[n];
            readFully(in, labels, file, "labels");
            return labels;
        }
    }

    /** Writes images gzipped when the name ends in .gz. */
    public static void writeImages(Path file, Images images) throws IOException {
        try (DataOutputStream out = create(file)) {
            out.writeInt(0x00000803);
            out.writeInt(images.count());
            out.writeInt(images.rows());
            out.writeInt(images.cols());
            out.write(images.pixels());
        }
    }

    public static void writeLabels(Path file, byte[] labels) throws IOException {
        try (DataOutputStream out = create(file)) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            out.write(labels);
        }
    }

    private static void readFully(DataInputStream in, byte[] b, Path file, String what) throws IOException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX file (fewer " + what + " than its header declares)", e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }

    private static DataOutputStream create(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        OutputStream out = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
        return new DataOutputStream(out);
    }
}
