package org.easycv4j.core.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
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
