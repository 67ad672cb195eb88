package org.easycv4j.tools.reconstruct;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} float array (format versions 1 to 3; little-endian {@code <f4} or {@code <f8}, C order),
 * read as float32.
 *
 * @param shape the array's shape
 * @param data its values in C order
 */
public record Npy(long[] shape, float[] data) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads {@code file}; anything else than a little-endian float array fails with the file named. */
    public static Npy read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw bad(file, "no NumPy magic (\\x93NUMPY)");
        }
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLen = b.getInt(8);
            start = 12;
        } else {
            throw bad(file, "unknown format version " + major);
        }
        if (headerLen < 0 || start + headerLen > bytes.length) {
            throw bad(file, "header length " + headerLen + " past the end of the file");
        }
        String header = new String(bytes, start, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw bad(file, "header without descr, fortran_order and shape: " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw bad(file, "Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
        }
        String descr = d.group(1);
        int width = switch (descr) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            default -> throw bad(file, "dtype " + descr + " is not supported; expected float32 (<f4) or float64 (<f8)");
        };
        String[] dims = s.group(1).split(",");
        List<Long> shape = new ArrayList<>();
        for (String dim : dims) {
            if (!dim.isBlank()) {
                shape.add(Long.parseLong(dim.strip()));
            }
        }
        long count = shape.stream().mapToLong(Long::longValue).reduce(1, (x, y) -> x * y);
        int dataStart = start + headerLen;
        if ((long) bytes.length - dataStart != count * width) {
            throw bad(file, "expected " + count + " values of " + descr + " after the header, found "
                    + (bytes.length - dataStart) + " bytes");
        }
        float[] data = new float[(int) count];
        for (int i = 0; i < data.length; i++) {
            data[i] = width == 4 ? b.getFloat(dataStart + 4 * i) : (float) b.getDouble(dataStart + 8 * i);
        }
        return new Npy(shape.stream().mapToLong(Long::longValue).toArray(), data);
    }

    private static IOException bad(Path file, String msg) {
        return new IOException(file + ": not a readable .npy float array: " + msg);
    }
}
