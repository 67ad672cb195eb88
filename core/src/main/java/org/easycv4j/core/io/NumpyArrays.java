package org.easycv4j.core.io;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.razorvine.pickle.PickleException;

/**
 * NumPy's pickle protocol as pure data: {@code _reconstruct(ndarray, (0,), b'b')} creates an empty array whose
 * {@code BUILD} state {@code (version, shape, dtype, is_fortran, raw bytes)} fills it; {@code dtype(str, align,
 * copy)} with state {@code (version, byte order, ...)} names the element type; {@code scalar(dtype, bytes)} is
 * one value. Arrays become {@link HostTensor}s (C order, little-endian), scalars Java numbers. Object arrays
 * (whose elements would be arbitrary pickles) are refused.
 */
final class NumpyArrays {
    /** Stands for the {@code numpy.ndarray} class, the only class {@code _reconstruct} may build. */
    static final Object NDARRAY = new Object() {
        @Override
        public String toString() {
            return "numpy.ndarray";
        }
    };

    private NumpyArrays() {}

    /** An array between {@code _reconstruct} and its {@code BUILD}. */
    static final class Pending {
        HostTensor build(Object state) {
            if (!(state instanceof Object[] t) || t.length != 5 || !(t[1] instanceof Object[] dims)
                    || !(t[2] instanceof Dtype dtype)) {
                throw new PickleException("numpy array state must be (version, shape, dtype, is_fortran, data)");
            }
            long[] shape = new long[dims.length];
            long count = 1;
            for (int i = 0; i < dims.length; i++) {
                if (!(dims[i] instanceof Number n) || n.longValue() < 0) {
                    throw new PickleException("numpy array shape must hold non-negative integers");
                }
                shape[i] = n.longValue();
                count *= shape[i];
            }
            byte[] raw = bytes(t[4], "numpy array data");
            int width = dtype.width();
            if (raw.length != count * width) {
                throw new PickleException("numpy array of shape " + Arrays.toString(shape) + " and dtype "
                        + dtype + " needs " + count * width + " bytes, the pickle holds " + raw.length);
            }
            byte[] data = dtype.bigEndian() ? swap(raw, width) : raw;
            if (truthy(t[3]) && shape.length > 1) {
                data = fortranToC(data, shape, width);
            }
            return new HostTensor(dtype.type(), new Shape(shape), data);
        }
    }

    /** A NumPy dtype: kind and width from its name, byte order from its state. */
    static final class Dtype {
        private final String name;
        private final DataType type;
        private final int width;
        private boolean bigEndian;

        Dtype(String name) {
            this.name = name;
            this.type = switch (name) {
                case "u1" -> DataType.UINT8;
                case "i1" -> DataType.INT8;
                case "b1" -> DataType.BOOLEAN;
                case "i2" -> DataType.INT16;
                case "i4" -> DataType.INT32;
                case "i8" -> DataType.INT64;
                case "f2" -> DataType.FLOAT16;
                case "f4" -> DataType.FLOAT32;
                case "f8" -> DataType.FLOAT64;
                default -> throw new PickleException("numpy dtype '" + name + "' is not supported (supported: u1, i1, "
                        + "b1, i2, i4, i8, f2, f4, f8; object and string arrays are refused)");
            };
            this.width = type.getNumOfBytes();
        }

        void setState(Object state) {
            if (!(state instanceof Object[] t) || t.length < 2 || !(t[1] instanceof String order)) {
                throw new PickleException("numpy dtype state must be (version, byte order, ...)");
            }
            bigEndian = order.equals(">");
        }

        DataType type() {
            return type;
        }

        int width() {
            return width;
        }

        boolean bigEndian() {
            return bigEndian && width > 1;
        }

        @Override
        public String toString() {
            return (bigEndian ? ">" : "") + name;
        }
    }

    /** {@code _reconstruct(numpy.ndarray, shape, typecode)}. */
    static Object reconstruct(Object[] args) {
        if (args.length != 3 || args[0] != NDARRAY) {
            throw new PickleException("numpy _reconstruct may only build numpy.ndarray");
        }
        return new Pending();
    }

    /** {@code numpy.dtype(name, align, copy)}. */
    static Object dtype(Object[] args) {
        if (args.length < 1 || !(args[0] instanceof String name)) {
            throw new PickleException("numpy.dtype expects a type name");
        }
        return new Dtype(name);
    }

    /** {@code scalar(dtype, bytes)}: the value as a Java number (or boolean). */
    static Object scalar(Object[] args) {
        if (args.length != 2 || !(args[0] instanceof Dtype dtype)) {
            throw new PickleException("numpy scalar expects (dtype, bytes)");
        }
        byte[] raw = bytes(args[1], "numpy scalar");
        if (raw.length != dtype.width()) {
            throw new PickleException("numpy scalar of dtype " + dtype + " needs " + dtype.width() + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(dtype.bigEndian() ? swap(raw, raw.length) : raw)
                .order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype.type()) {
            case UINT8 -> raw[0] & 0xFF;
            case INT8 -> (int) raw[0];
            case BOOLEAN -> raw[0] != 0;
            case INT16 -> (int) b.getShort();
            case INT32 -> b.getInt();
            case INT64 -> b.getLong();
            case FLOAT16 -> TorchUnpickler.halfToFloat(b.getShort() & 0xFFFF);
            case FLOAT32 -> b.getFloat();
            default -> b.getDouble();
        };
    }

    /** Python 2 byte strings arrive as latin-1 strings, Python 3 bytes as byte arrays. */
    private static byte[] bytes(Object o, String what) {
        if (o instanceof byte[] b) {
            return b;
        }
        if (o instanceof String s) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        throw new PickleException(what + " must be bytes, got " + (o == null ? "None" : o.getClass().getSimpleName()));
    }

    private static boolean truthy(Object o) {
        return o instanceof Boolean b ? b : o instanceof Number n && n.intValue() != 0;
    }

    private static byte[] swap(byte[] raw, int width) {
        byte[] out = new byte[raw.length];
        for (int i = 0; i < raw.length; i += width) {
            for (int j = 0; j < width; j++) {
                out[i + j] = raw[i + width - 1 - j];
            }
        }
        return out;
    }

    /** Column-major to row-major. */
    private static byte[] fortranToC(byte[] data, long[] shape, int width) {
        int rank = shape.length;
        long[] fStride = new long[rank];
        long s = 1;
        for (int d = 0; d < rank; d++) {
            fStride[d] = s;
            s *= shape[d];
        }
        byte[] out = new byte[data.length];
        long[] index = new long[rank];
        for (long e = 0; e < s; e++) {
            long at = 0;
            for (int d = 0; d < rank; d++) {
                at += index[d] * fStride[d];
            }
            System.arraycopy(data, (int) (at * width), out, (int) (e * width), width);
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }
}
