package org.easycv4j.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.easycv4j.core.util.AtomicFiles;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length, a JSON header mapping each
 * tensor name to {@code dtype}, {@code shape} and {@code data_offsets} (relative to the end of the header),
 * an optional {@code __metadata__} string map, then the raw little-endian data.
 *
 * <p>Supported dtypes: F64, F32, F16, I64, I32, I8, U8, BOOL; BF16 is read and widened to F32 (DJL's PyTorch
 * engine cannot hold bf16 tensors). Tensors keep the order of the file (reading) or of the map (writing).
 */
public final class SafeTensors {
    private static final String METADATA = "__metadata__";
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafeTensors() {}

    /** The content of a safetensors file: tensors in file order and the string metadata. */
    public record Contents(Map<String, NDArray> tensors, Map<String, String> metadata) {}

    /** Writes {@code tensors} atomically (temporary file in the same folder, then rename). */
    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes {@code tensors} and a string {@code metadata} map atomically. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
            throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("a tensor may not be named " + METADATA);
            }
            NDArray a = e.getValue();
            long bytes = a.getShape().size() * a.getDataType().getNumOfBytes();
            JsonObject t = new JsonObject();
            t.addProperty("dtype", code(a.getDataType(), e.getKey()));
            JsonArray shape = new JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        AtomicFiles.writeChannel(file, ch -> {
            writeFully(ch, head);
            for (NDArray a : tensors.values()) {
                ByteBuffer data = a.toByteBuffer(false).order(ByteOrder.LITTLE_ENDIAN);
                data.rewind();
                writeFully(ch, data);
            }
        });
    }

    /** Reads every tensor into {@code manager}, in file order. */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        return readContents(file, manager).tensors();
    }

    /** Reads every tensor and the metadata. Malformed files raise an error naming the file and the entry. */
    public static Contents readContents(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(file, "shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw bad(file, "header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer headBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headBuf, 8);
            JsonObject header;
            try {
                header = JsonParser.parseString(new String(headBuf.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw bad(file, "header is not a JSON object: " + e.getMessage());
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, NDArray> out = new LinkedHashMap<>();
            MappedByteBuffer data = dataLen == 0 ? null
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            try {
                for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                    if (e.getKey().equals(METADATA)) {
                        for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                            metadata.put(m.getKey(), m.getValue().getAsString());
                        }
                        continue;
                    }
                    out.put(e.getKey(), readTensor(file, e.getKey(), e.getValue(), data, dataLen, manager));
                }
            } catch (RuntimeException | IOException e) {
                out.values().forEach(NDArray::close);
                throw e;
            }
            return new Contents(Collections.unmodifiableMap(out), Collections.unmodifiableMap(metadata));
        }
    }

    private static NDArray readTensor(Path file, String name, JsonElement el, ByteBuffer data, long dataLen,
            NDManager manager) throws IOException {
        JsonObject t;
        String dtype;
        long[] dims;
        long begin;
        long end;
        try {
            t = el.getAsJsonObject();
            dtype = t.get("dtype").getAsString();
            JsonArray shape = t.getAsJsonArray("shape");
            dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).getAsLong();
            }
            JsonArray offsets = t.getAsJsonArray("data_offsets");
            begin = offsets.get(0).getAsLong();
            end = offsets.get(1).getAsLong();
        } catch (RuntimeException e) {
            throw bad(file, "tensor \"" + name + "\": expected {dtype, shape, data_offsets}, got " + el);
        }
        Shape shape = new Shape(dims);
        int width = switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            case "U8", "I8", "BOOL" -> 1;
            default -> throw bad(file, "tensor \"" + name + "\": unsupported dtype " + dtype);
        };
        long expected = shape.size() * width;
        if (begin < 0 || end < begin || end > dataLen || end - begin != expected) {
            throw bad(file, "tensor \"" + name + "\": data_offsets [" + begin + ", " + end + "] do not hold "
                    + expected + " bytes of " + dtype + " " + shape + " within " + dataLen + " data bytes");
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect((int) expected).order(ByteOrder.nativeOrder());
        if (expected > 0) {
            ByteBuffer slice = data.duplicate().position((int) begin).limit((int) end).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (dtype.equals("BF16")) {
                bytes = ByteBuffer.allocateDirect((int) shape.size() * 4).order(ByteOrder.nativeOrder());
                while (slice.hasRemaining()) {
                    bytes.putFloat(Float.intBitsToFloat((slice.getShort() & 0xffff) << 16));
                }
            } else if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                bytes.put(slice);
            } else {
                throw bad(file, "big-endian hosts are not supported");
            }
            bytes.rewind();
        }
        DataType dt = switch (dtype) {
            case "F64" -> DataType.FLOAT64;
            case "F32", "BF16" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            case "I8" -> DataType.INT8;
            case "U8" -> DataType.UINT8;
            default -> DataType.BOOLEAN;
        };
        // The engine may wrap a direct buffer without copying; duplicate so the tensor owns its memory.
        try (NDArray wrapped = manager.create(bytes, shape, dt)) {
            NDArray owned = wrapped.duplicate();
            owned.setName(name);
            return owned;
        }
    }

    private static String code(DataType dt, String name) {
        return switch (dt) {
            case FLOAT64 -> "F64";
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOLEAN -> "BOOL";
            default -> throw new IllegalArgumentException("tensor \"" + name + "\": cannot write dtype " + dt);
        };
    }

    private static IOException bad(Path file, String msg) {
        return new IOException(file + ": not a valid safetensors file: " + msg);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException(ch + ": unexpected end of file");
            }
            pos += n;
        }
    }
}
