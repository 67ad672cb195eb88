package org.easycv4j.data.prepare;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.data.source.CifarSource;
import org.easycv4j.data.source.DataSource;

/**
 * Extracts an official CIFAR archive ({@code cifar-10-python.tar.gz}, {@code cifar-10-binary.tar.gz},
 * {@code cifar-100-python.tar.gz}, {@code cifar-100-binary.tar.gz}) into a folder that
 * {@code ClsSourceCifar10} / {@code ClsSourceCifar100} read as {@code root}, then reads both splits back as a
 * check. Nothing is downloaded. Only regular files and folders under the archive's one expected top folder
 * are written, into a temporary folder that is read back and only then renamed into place; an existing one
 * is never overwritten, and a damaged archive leaves nothing behind.
 */
public final class CifarArchive {
    private static final int BLOCK = 512;

    private CifarArchive() {}

    /** What was extracted. */
    public record Result(Path root, Path folder, int train, int test, int classes) {}

    /** Extracts {@code archive} for {@code variant} into {@code out}. */
    public static Result extract(CifarSource.Variant variant, Path archive, Path out) throws IOException {
        if (!Files.isRegularFile(archive)) {
            throw new IOException("--from: archive " + archive.toAbsolutePath() + " does not exist");
        }
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory(out, ".cifar-extract");
        try {
            String top = untar(archive, tmp, variant);
            Path target = out.resolve(top);
            if (Files.exists(target)) {
                throw new IOException(target.toAbsolutePath() + " already exists; remove it or choose another --out");
            }
            // Read back before the rename: a damaged batch leaves nothing behind, so a rerun starts clean.
            DataSource train;
            DataSource test;
            try {
                train = CifarSource.read(variant, tmp, "train");
                test = CifarSource.read(variant, tmp, "test");
            } catch (IOException e) {
                String why = String.valueOf(e.getMessage()).replace(tmp + java.io.File.separator, "");
                throw new IOException(archive + ": member " + why, e);
            }
            try {
                Files.move(tmp.resolve(top), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp.resolve(top), target);
            }
            return new Result(out, target, train.size(), test.size(), train.numClasses());
        } finally {
            Checkpoints.deleteTree(tmp);
        }
    }

    /** Writes the archive's files under {@code dir}; returns its top folder (one of the variant's two). */
    static String untar(Path archive, Path dir, CifarSource.Variant variant) throws IOException {
        String top = null;
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (true) {
                if (!readBlock(in, header)) {
                    break;
                }
                if (isZero(header)) {
                    break;
                }
                String name = longName != null ? longName : name(header);
                longName = null;
                long size = octal(header, 124, 12, archive);
                char type = (char) header[156];
                if (type == 'L') {
                    longName = new String(readData(in, size, archive), StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x' || type == 'g') {
                    skip(in, size, archive);
                    continue;
                }
                String clean = name.startsWith("./") ? name.substring(2) : name;
                if (clean.isEmpty()) {
                    skip(in, size, archive);
                    continue;
                }
                if (clean.startsWith("/") || clean.contains("\\") || clean.contains("..")) {
                    throw new IOException(archive + ": entry \"" + name + "\" points outside the archive's folder");
                }
                String first = clean.split("/")[0];
                if (!first.equals(variant.pythonFolder()) && !first.equals(variant.binaryFolder())) {
                    throw new IOException(archive + ": entry \"" + name + "\" is not under " + variant.pythonFolder()
                            + "/ or " + variant.binaryFolder() + "/: not an official "
                            + variant.name().toLowerCase(Locale.ROOT) + " archive");
                }
                if (top != null && !top.equals(first)) {
                    throw new IOException(archive + ": holds both " + top + "/ and " + first + "/");
                }
                top = first;
                Path target = dir.resolve(clean).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException(archive + ": entry \"" + name + "\" points outside the archive's folder");
                }
                if (type == '5') {
                    Files.createDirectories(target);
                    skip(in, size, archive);
                } else if (type == '0' || type == '\0') {
                    Files.createDirectories(target.getParent());
                    try (OutputStream o = Files.newOutputStream(target)) {
                        copy(in, o, size, archive);
                    }
                    skip(in, (BLOCK - size % BLOCK) % BLOCK, archive);
                } else {
                    throw new IOException(archive + ": entry \"" + name + "\" is of tar type '" + type
                            + "'; only files and folders are extracted");
                }
            }
        } catch (EOFException e) {
            throw new IOException(archive + ": truncated archive", e);
        } catch (ZipException e) {
            throw new IOException(archive + ": not a gzip file (" + e.getMessage() + ")", e);
        }
        if (top == null) {
            throw new IOException(archive + ": the archive is empty");
        }
        return top;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("truncated tar header");
        }
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String name(byte[] h) {
        String name = field(h, 0, 100);
        String prefix = new String(h, 257, 6, StandardCharsets.US_ASCII).startsWith("ustar") ? field(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len, Path archive) throws IOException {
        String s = field(h, off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException(archive + ": corrupt tar header (size \"" + s + "\")");
        }
    }

    private static byte[] readData(InputStream in, long size, Path archive) throws IOException {
        if (size > 1 << 20) {
            throw new IOException(archive + ": corrupt tar header (long name of " + size + " bytes)");
        }
        byte[] b = in.readNBytes((int) size);
        if (b.length != size) {
            throw new IOException(archive + ": truncated");
        }
        skip(in, (BLOCK - size % BLOCK) % BLOCK, archive);
        return b;
    }

    private static void copy(InputStream in, OutputStream out, long size, Path archive) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException(archive + ": truncated");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void skip(InputStream in, long n, Path archive) throws IOException {
        in.skipNBytes(n);
    }
}
