package org.easycv4j.core.io;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * An unpickler for {@code torch.save} files and plain Python pickles that can build nothing but tensors,
 * storages, NumPy arrays and scalars (as {@link HostTensor}s and Java numbers), ordered dicts,
 * {@code torch.Size} and plain values (numbers, strings, tuples, lists, dicts).
 *
 * <p>Safety does not rest on Java being unable to run Python: every opcode that names a global
 * ({@code GLOBAL}, {@code STACK_GLOBAL}) is resolved here against a fixed allow-list, and the opcodes that
 * build instances of arbitrary classes ({@code INST}, {@code OBJ}, the copyreg extension opcodes) are refused,
 * so the library's own built-in constructors are never reached. Any other global fails the whole load with
 * its name, before a single object of it exists.
 */
final class TorchUnpickler extends Unpickler {
    /** Storage classes by their pickled name: element type in the file and element width in bytes. */
    enum StorageType {
        FloatStorage(DataType.FLOAT32, 4),
        DoubleStorage(DataType.FLOAT64, 8),
        HalfStorage(DataType.FLOAT16, 2),
        BFloat16Storage(DataType.BFLOAT16, 2),
        LongStorage(DataType.INT64, 8),
        IntStorage(DataType.INT32, 4),
        ByteStorage(DataType.UINT8, 1),
        CharStorage(DataType.INT8, 1),
        BoolStorage(DataType.BOOLEAN, 1);

        final DataType dtype;
        final int width;

        StorageType(DataType dtype, int width) {
            this.dtype = dtype;
            this.width = width;
        }
    }

    /** The raw bytes of a storage, looked up by the key of its persistent id. */
    interface StorageSource {
        byte[] bytes(String key) throws IOException;
    }

    /** A storage as referenced from the pickle: its type, its bytes and its element count. */
    record Storage(String key, StorageType type, byte[] bytes, long numel) {}

    /** The attributes of a pickled {@code argparse.Namespace}. */
    static final class Namespace extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    private static final short GLOBAL = 'c';
    private static final short STACK_GLOBAL = 0x93;
    private static final short INST = 'i';
    private static final short OBJ = 'o';
    private static final short EXT1 = 0x82;
    private static final short EXT2 = 0x83;
    private static final short EXT4 = 0x84;
    private static final short BUILD = 'b';
    private static final short EMPTY_DICT = '}';
    private static final short DICT = 'd';
    private static final short SETITEM = 's';
    private static final short SETITEMS = 'u';
    private static final short PERSID = 'P';

    private final StorageSource storages;
    private final Map<String, Storage> loaded = new LinkedHashMap<>();

    TorchUnpickler(StorageSource storages) {
        this.storages = storages;
    }

    /** A global the pickle may name, or an error naming the global and the file. */
    private Object resolve(String module, String name) {
        String full = module + "." + name;
        switch (full) {
            case "torch._utils._rebuild_tensor_v2":
                return (IObjectConstructor) this::rebuildTensor;
            case "torch._utils._rebuild_parameter":
                return (IObjectConstructor) args -> {
                    if (args.length < 1 || !(args[0] instanceof HostTensor t)) {
                        throw new PickleException("_rebuild_parameter expects a tensor as first argument");
                    }
                    return t;
                };
            case "collections.OrderedDict":
                return (IObjectConstructor) args -> {
                    if (args.length != 0) {
                        throw new PickleException("OrderedDict with constructor arguments is not supported");
                    }
                    return new LinkedHashMap<>();
                };
            case "argparse.Namespace":
                // Training scripts save their command-line arguments; kept as a plain map of its attributes.
                return (IObjectConstructor) args -> new Namespace();
            case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct":
                return (IObjectConstructor) NumpyArrays::reconstruct;
            case "numpy.ndarray":
                return NumpyArrays.NDARRAY;
            case "numpy.dtype":
                return (IObjectConstructor) NumpyArrays::dtype;
            case "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar":
                return (IObjectConstructor) NumpyArrays::scalar;
            case "torch.Size":
                return (IObjectConstructor) args -> {
                    if (args.length != 1 || !(args[0] instanceof Object[] dims)) {
                        throw new PickleException("torch.Size expects one tuple");
                    }
                    return dims;
                };
            default:
                break;
        }
        if (module.equals("torch")) {
            for (StorageType t : StorageType.values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
        }
        throw new PickleException("pickle global \"" + full + "\" is not allowed: only tensors, storages, "
                + "NumPy arrays, OrderedDict, torch.Size, argparse.Namespace and plain values are read; the file holds other Python objects "
                + "(or is malicious)");
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case GLOBAL: {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case STACK_GLOBAL: {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(name instanceof String n) || !(module instanceof String m)) {
                    throw new PickleException("STACK_GLOBAL expects two strings");
                }
                stack.add(resolve(m, n));
                return NO_RETURN_VALUE;
            }
            case INST, OBJ, EXT1, EXT2, EXT4:
                throw new PickleException("pickle opcode 0x" + Integer.toHexString(key)
                        + " (instance of an arbitrary class) is not allowed");
            case PERSID:
                throw new PickleException("text persistent ids are not used by torch.save; refusing");
            case EMPTY_DICT:
                // Keep insertion order (Python dicts are ordered); the library's default dict is a HashMap.
                stack.add(new LinkedHashMap<Object, Object>());
                return NO_RETURN_VALUE;
            case DICT: {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = new LinkedHashMap<>();
                putPairs(map, items);
                stack.add(map);
                return NO_RETURN_VALUE;
            }
            case SETITEM: {
                Object value = stack.pop();
                Object k = stack.pop();
                targetMap().put(k, value);
                return NO_RETURN_VALUE;
            }
            case SETITEMS: {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(targetMap(), items);
                return NO_RETURN_VALUE;
            }
            case BUILD: {
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof NumpyArrays.Pending pending) {
                    // The array object was memoized before its state arrived: later references get the tensor.
                    HostTensor built = pending.build(state);
                    stack.pop();
                    stack.add(built);
                    memo.replaceAll((k, v) -> v == pending ? built : v);
                    return NO_RETURN_VALUE;
                }
                if (target instanceof NumpyArrays.Dtype dtype) {
                    dtype.setState(state);
                    return NO_RETURN_VALUE;
                }
                if (!(target instanceof Map) || !(state instanceof Map<?, ?> attributes)) {
                    throw new PickleException("BUILD (object state) is only supported on dicts, got "
                            + typeName(target));
                }
                // A state dict pickles its _metadata attribute as the OrderedDict's state; it holds no weights.
                if (target instanceof Namespace ns) {
                    ns.putAll(attributes);
                }
                return NO_RETURN_VALUE;
            }
            default:
                return super.dispatch(key);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> targetMap() {
        Object target = stack.peek();
        if (!(target instanceof Map)) {
            throw new PickleException("SETITEM on " + typeName(target) + ", expected a dict");
        }
        return (Map<Object, Object>) target;
    }

    private static void putPairs(Map<Object, Object> map, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleException("odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(items.get(i), items.get(i + 1));
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                || !(t[1] instanceof StorageType type) || !(t[2] instanceof String key)
                || !(t[4] instanceof Number numel)) {
            throw new PickleException("unsupported persistent id " + describe(pid)
                    + "; expected ('storage', <torch.*Storage>, key, location, numel)");
        }
        Storage known = loaded.get(key);
        if (known != null) {
            return known;
        }
        byte[] bytes;
        try {
            bytes = storages.bytes(key);
        } catch (IOException e) {
            throw new PickleException(e.getMessage(), e);
        }
        long n = numel.longValue();
        if (bytes.length != n * type.width) {
            throw new PickleException("storage " + key + " (" + type.name() + ") holds " + bytes.length
                    + " bytes, expected " + n + " elements of " + type.width + " bytes");
        }
        Storage s = new Storage(key, type, bytes, n);
        loaded.put(key, s);
        return s;
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof Storage storage) || !(args[1] instanceof Number offset)) {
            throw new PickleException("_rebuild_tensor_v2 expects (storage, offset, size, stride, ...), got "
                    + describe(args));
        }
        long[] size = longs(args[2], "size");
        long[] stride = longs(args[3], "stride");
        if (size.length != stride.length) {
            throw new PickleException("tensor size " + describe(args[2]) + " and stride " + describe(args[3])
                    + " differ in rank");
        }
        return gather(storage, offset.longValue(), size, stride);
    }

    /** Copies the strided view into contiguous little-endian bytes; half precision becomes float32. */
    static HostTensor gather(Storage storage, long offset, long[] size, long[] stride) {
        StorageType type = storage.type();
        long count = 1;
        long maxIndex = offset;
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0 || stride[i] < 0) {
                throw new PickleException("negative size or stride in tensor of storage " + storage.key());
            }
            count *= size[i];
            if (size[i] > 0) {
                maxIndex += (size[i] - 1) * stride[i];
            }
        }
        if (count > 0 && (offset < 0 || maxIndex >= storage.numel())) {
            throw new PickleException("tensor view (offset " + offset + ", size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ") reaches past storage "
                    + storage.key() + " of " + storage.numel() + " elements");
        }
        boolean widen = type == StorageType.HalfStorage || type == StorageType.BFloat16Storage;
        int inWidth = type.width;
        int outWidth = widen ? 4 : inWidth;
        if (count * outWidth > Integer.MAX_VALUE - 16) {
            throw new PickleException("tensor of storage " + storage.key() + " is too large (" + count
                    + " elements)");
        }
        byte[] src = storage.bytes();
        byte[] out = new byte[(int) (count * outWidth)];
        long[] index = new long[size.length];
        for (long e = 0; e < count; e++) {
            long at = offset;
            for (int d = 0; d < size.length; d++) {
                at += index[d] * stride[d];
            }
            int s = (int) (at * inWidth);
            int o = (int) (e * outWidth);
            if (widen) {
                int bits = (src[s] & 0xff) | (src[s + 1] & 0xff) << 8;
                int f = type == StorageType.HalfStorage ? Float.floatToRawIntBits(halfToFloat(bits)) : bits << 16;
                out[o] = (byte) f;
                out[o + 1] = (byte) (f >>> 8);
                out[o + 2] = (byte) (f >>> 16);
                out[o + 3] = (byte) (f >>> 24);
            } else {
                System.arraycopy(src, s, out, o, inWidth);
            }
            for (int d = size.length - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        DataType dtype = widen ? DataType.FLOAT32 : type.dtype;
        return new HostTensor(dtype, new Shape(size), out);
    }

    /** IEEE 754 binary16 to binary32, including subnormals, infinities and NaN. */
    static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f;
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat((exp - 15 + 127) << 23 | mant << 13);
        }
        return sign == 1 ? -v : v;
    }

    private static long[] longs(Object o, String what) {
        if (!(o instanceof Object[] items)) {
            throw new PickleException("tensor " + what + " must be a tuple, got " + describe(o));
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            if (!(items[i] instanceof Number n)) {
                throw new PickleException("tensor " + what + " must hold integers, got " + describe(o));
            }
            out[i] = n.longValue();
        }
        return out;
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private static String describe(Object o) {
        if (o instanceof Object[] a) {
            StringBuilder b = new StringBuilder("(");
            for (int i = 0; i < a.length; i++) {
                b.append(i == 0 ? "" : ", ").append(describe(a[i]));
            }
            return b.append(")").toString();
        }
        return String.valueOf(o);
    }
}
