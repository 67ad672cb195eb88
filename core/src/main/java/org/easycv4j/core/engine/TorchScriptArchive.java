package org.easycv4j.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.easycv4j.core.model.ScriptModule;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.util.AtomicFiles;

/**
 * Builds TorchScript archives (the zip that {@code torch::jit::load} and {@code torch.jit.load} read) from
 * TorchScript source: {@code <folder>/code/__torch__.py}, {@code <folder>/data.pkl} (the root module object and
 * its attributes, pickle protocol 2), {@code <folder>/data/<n>} (one float32 storage per tensor attribute),
 * {@code constants.pkl} and {@code version}. The source is compiled by the libtorch that loads it.
 */
public final class TorchScriptArchive {
    /** The archive format version; readable by PyTorch 1.x (file format versions 1 to 10) and 2.x. */
    private static final String VERSION = "3\n";

    private TorchScriptArchive() {}

    /**
     * An archive for a parameterless module.
     *
     * @param folder the archive's top-level folder name
     * @param className the class defined in {@code source}, instantiated as the archive's root module
     * @param source TorchScript for {@code code/__torch__.py}
     */
    static byte[] build(String folder, String className, String source) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(bytes, folder, className, source, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes {@code module} with its parameters' current values (as float32) to {@code file}, atomically. */
    public static void write(Path file, ScriptModule module) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        String folder = stem.isEmpty() ? "model" : stem;
        AtomicFiles.write(file, out -> write(out, folder, module.className(), module.source(), module.parameters()));
    }

    private static void write(OutputStream out, String folder, String className, String source,
            List<NamedParameter> tensors) throws IOException {
        // Finished, not closed: the caller owns the stream (an atomic file write forces it before closing).
        ZipOutputStream zip = new ZipOutputStream(out);
        put(zip, folder + "/data.pkl", modulePickle(className, tensors));
        put(zip, folder + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
        // An empty tuple of constants, pickle protocol 2.
        put(zip, folder + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        put(zip, folder + "/version", VERSION.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < tensors.size(); i++) {
            NDArray a = tensors.get(i).parameter().getArray();
            NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
            put(zip, folder + "/data/" + i, f.toByteArray());
        }
        zip.finish();
    }

    /**
     * {@code __torch__.<className>} with the state {@code {"training": False, <attribute>: <tensor>, ...}}; each
     * tensor is {@code torch._utils._rebuild_tensor_v2} of a persistent float storage, as torch.jit.save writes.
     */
    private static byte[] modulePickle(String className, List<NamedParameter> tensors) {
        Pickle p = new Pickle();
        p.proto().global("__torch__", className).op(')').op(0x81).op('}').op('(');
        p.string("training").op(0x89);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tensors.size(); i++) {
            String name = ScriptModule.attributeName(tensors.get(i).name());
            if (!names.add(name)) {
                throw new IllegalArgumentException("two parameters map to the TorchScript attribute " + name);
            }
            long[] shape = tensors.get(i).parameter().getArray().getShape().getShape();
            long numel = 1;
            long[] stride = new long[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                stride[d] = numel;
                numel *= shape[d];
            }
            p.string(name);
            p.global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').string("storage").global("torch", "FloatStorage").string(Integer.toString(i)).string("cpu")
                    .integer(numel).op('t').op('Q');
            p.integer(0).tuple(shape).tuple(stride).op(0x89);
            p.global("collections", "OrderedDict").op(')').op('R');
            p.op('t').op('R');
        }
        p.op('u').op('b').op('.');
        return p.bytes.toByteArray();
    }

    /** The few pickle opcodes the module state needs. */
    private static final class Pickle {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Pickle op(int code) {
            bytes.write(code);
            return this;
        }

        Pickle proto() {
            return op(0x80).op(2);
        }

        Pickle global(String module, String name) {
            op('c');
            bytes.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            int n = b.length;
            bytes.writeBytes(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
            bytes.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor dimension " + v + " exceeds the 32-bit pickle integer");
            }
            int n = (int) v;
            op('J');
            bytes.writeBytes(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
            return this;
        }

        Pickle tuple(long[] values) {
            op('(');
            for (long v : values) {
                integer(v);
            }
            return op('t');
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
