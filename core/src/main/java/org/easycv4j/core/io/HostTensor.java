package org.easycv4j.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor read from a PyTorch file, held on the Java heap until it is turned into an {@link NDArray}:
 * contiguous (row-major) little-endian values of {@code dtype}, already gathered from its storage's strides.
 *
 * @param dtype the element type (half-precision storages arrive as {@link DataType#FLOAT32})
 * @param shape the tensor's size
 * @param data {@code shape.size() * dtype.getNumOfBytes()} bytes
 */
public record HostTensor(DataType dtype, Shape shape, byte[] data) {

    /** Copies the values into a new array of {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        ByteBuffer buf = ByteBuffer.allocateDirect(data.length).order(ByteOrder.nativeOrder());
        buf.put(data).rewind();
        // The engine may wrap a direct buffer without copying; duplicate so the tensor owns its memory.
        try (NDArray wrapped = manager.create(buf, shape, dtype)) {
            return wrapped.duplicate();
        }
    }
}
