package org.easycv4j.core.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The tensor address libtorch hands out is the tensor's memory: read, written and compared with DJL's view. */
class TensorMemoryTest {

    @Test
    void theAddressIsTheTensorsOwnMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] values = {1.5f, -2f, 3.25f, 0f, 7f, 1e-3f};
            NDArray a = m.create(values, new Shape(2, 3));
            Pointer p = TensorMemory.address(a);
            assertArrayEquals(values, p.getFloatArray(0, values.length));

            // DJL's direct view of a CPU tensor starts at the same address.
            ByteBuffer view = a.toByteBuffer(true);
            assertTrue(view.isDirect());
            assertEquals(Pointer.nativeValue(Native.getDirectBufferPointer(view)), Pointer.nativeValue(p));

            // Writing through the address changes the tensor (what an in-place all-reduce does).
            p.setFloat(2L * Float.BYTES, 42f);
            assertEquals(42f, a.toFloatArray()[2]);
        }
    }

    @Test
    void aViewsAddressIsOffsetByItsStart() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.arange(0f, 10f);
            NDArray tail = a.get("4:");
            long offset = Pointer.nativeValue(TensorMemory.address(tail))
                    - Pointer.nativeValue(TensorMemory.address(a));
            assertEquals(4L * Float.BYTES, offset);
            assertArrayEquals(new float[] {4, 5, 6}, TensorMemory.address(tail).getFloatArray(0, 3));
        }
    }

    /** ReplicaSync's zero-copy decision: a CPU float32 tensor's memory is handed to MPI as it is. */
    @Test
    void aCpuFloatTensorIsHostMemoryAndItsBufferWritesThroughToIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1f, 2f, 3f, 4f});
            assertTrue(TensorMemory.isHost(a));
            ByteBuffer b = TensorMemory.hostBuffer(a);
            assertTrue(b.isDirect());
            assertEquals(ByteOrder.nativeOrder(), b.order());
            assertEquals(4 * Float.BYTES, b.limit());
            assertEquals(Pointer.nativeValue(TensorMemory.address(a)),
                    Pointer.nativeValue(Native.getDirectBufferPointer(b)));
            assertEquals(3f, b.getFloat(2 * Float.BYTES));
            b.putFloat(Float.BYTES, -8f);
            assertArrayEquals(new float[] {1f, -8f, 3f, 4f}, a.toFloatArray());
            assertEquals(0, TensorMemory.hostBuffer(m.create(new float[0])).capacity());
        }
    }

    @Test
    void otherDataTypesAreNotHostFloatMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ints = m.create(new int[] {1, 2});
            assertFalse(TensorMemory.isHost(ints));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorMemory.hostBuffer(ints));
            assertEquals("no host buffer over a int32 array on cpu() of PyTorch: dense float32 CPU arrays of the "
                    + "PyTorch engine only", e.getMessage());
        }
    }

    @Test
    void otherDataTypesAreRefusedBeforeLibtorchIsCalled() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ints = m.create(new int[] {1, 2});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TensorMemory.address(ints));
            assertTrue(e.getMessage().contains("float32"), e.getMessage());
            assertEquals(DataType.INT32, ints.getDataType());
        }
    }

    @Test
    void theEnginesLibraryIsFoundAmongTheLoadedFiles() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.zeros(new Shape(1));
            assertEquals("libtorch_cpu.so", TensorMemory.loadedLibrary("libtorch_cpu.so").getFileName().toString());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TensorMemory.loadedLibrary("libnot-a-library.so"));
            assertTrue(e.getMessage().contains("is not loaded"), e.getMessage());
        }
    }
}
