package org.easycv4j.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;

/**
 * Reads the weights of a PyTorch {@code torch.save} file (the zip format of torch 1.6 and later:
 * {@code <name>/data.pkl} plus one raw entry {@code <name>/data/<key>} per storage) without running any of
 * the pickle's code: see {@link TorchUnpickler} for what may be built. Half and bfloat16 tensors are widened to
 * float32; strided views are gathered by their size, stride and offset.
 *
 * <p>The state dict is taken from the {@code model} or {@code state_dict} entry of the top-level dict (the
 * MAE repository's and common training scripts' layouts), or is the top-level dict itself.
 */
public final class TorchCheckpoint {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private TorchCheckpoint() {}

    /**
     * What the legacy (torch < 1.6) {@code torch.save} writes first: pickle protocol 2, then its magic number
     * 0x1950a86a20f9469cfc6c as a 10-byte LONG1.
     */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c,
        0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    /** Whether {@code file} starts like a zip archive (a {@code torch.save} file rather than safetensors). */
    public static boolean isZip(Path file) throws IOException {
        return startsWith(file, ZIP_MAGIC);
    }

    /** Whether {@code file} is a {@code torch.save} file in the legacy format of torch before 1.6. */
    public static boolean isLegacy(Path file) throws IOException {
        return startsWith(file, LEGACY_MAGIC);
    }

    private static boolean startsWith(Path file, byte[] magic) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        }
    }

    /** The state dict's tensors, in the file's order, as arrays of {@code manager}. */
    public static Map<String, NDArray> readStateDict(Path file, NDManager manager) throws IOException {
        Map<String, HostTensor> host = readHostStateDict(file);
        Map<String, NDArray> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, HostTensor> e : host.entrySet()) {
                NDArray a = e.getValue().toNDArray(manager);
                a.setName(e.getKey());
                out.put(e.getKey(), a);
            }
        } catch (RuntimeException e) {
            out.values().forEach(NDArray::close);
            throw e;
        }
        return out;
    }

    /** The state dict's tensors on the Java heap. */
    public static Map<String, HostTensor> readHostStateDict(Path file) throws IOException {
        return stateDict(file, read(file));
    }

    /**
     * The whole unpickled object: dicts (insertion-ordered maps), lists, tuples ({@code Object[]}),
     * numbers, strings, {@code null} and {@link HostTensor}s.
     */
    public static Object read(Path file) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IOException(file + ": big-endian hosts are not supported");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        if (isLegacy(file)) {
            throw new IOException(file + ": a torch.save file in the legacy format of torch < 1.6 (not a zip "
                    + "archive); only the format of torch >= 1.6 is supported: re-save it with a current torch, "
                    + "torch.save(torch.load(f), g)");
        }
        if (!isZip(file)) {
            throw new IOException(file + ": not a zip archive; only the torch.save format of torch >= 1.6 is "
                    + "supported (re-save the legacy file with a current torch: torch.save(torch.load(f), g))");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = archivePrefix(zip, file);
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                try (InputStream in = zip.getInputStream(order)) {
                    String value = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
                    if (!value.equals("little")) {
                        throw new IOException(file + ": storages are " + value + "-endian; only little is supported");
                    }
                }
            }
            TorchUnpickler unpickler = new TorchUnpickler(key -> {
                ZipEntry entry = zip.getEntry(prefix + "data/" + key);
                if (entry == null) {
                    throw new IOException("storage entry " + prefix + "data/" + key + " is missing");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    return in.readAllBytes();
                }
            });
            try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
                return unpickler.load(in);
            } catch (PickleException | ClassCastException | IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    /** The folder inside the archive holding {@code data.pkl} (torch names it after the file). */
    private static String archivePrefix(ZipFile zip, Path file) throws IOException {
        List<String> candidates = new ArrayList<>();
        boolean torchScript = false;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
            String name = en.nextElement().getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                candidates.add(name.substring(0, slash + 1));
            }
            torchScript |= slash > 0 && name.substring(slash + 1).equals("constants.pkl");
        }
        if (candidates.size() != 1) {
            throw new IOException(file + ": expected one <folder>/data.pkl entry as torch.save writes, found "
                    + candidates.size() + (torchScript ? " (this looks like a TorchScript archive; save the "
                    + "model's state_dict() instead)" : ""));
        }
        return candidates.get(0);
    }

    /** The state dict inside an unpickled checkpoint (see the class comment). */
    static Map<String, HostTensor> stateDict(Path file, Object root) throws IOException {
        if (!(root instanceof Map<?, ?> top)) {
            throw new IOException(file + ": expected a dict at the top level, got "
                    + (root == null ? "None" : root.getClass().getSimpleName()));
        }
        Map<?, ?> dict = top;
        String where = "the top-level dict";
        for (String key : new String[] {"model", "state_dict"}) {
            if (top.get(key) instanceof Map<?, ?> inner) {
                dict = inner;
                where = "\"" + key + "\"";
                break;
            }
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getKey() instanceof String k && e.getValue() instanceof HostTensor t) {
                out.put(k, t);
            } else {
                other.add(String.valueOf(e.getKey()));
            }
        }
        if (!other.isEmpty()) {
            throw new IOException(file + ": " + where + " is not a state dict: entries " + other
                    + " are not tensors (weights are read from \"model\", \"state_dict\" or the top-level dict)");
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": " + where + " holds no tensors; top-level keys: " + top.keySet());
        }
        return out;
    }
}
