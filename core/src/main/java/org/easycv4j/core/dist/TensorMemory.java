package org.easycv4j.core.dist;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.easycv4j.core.util.LoadedLibraries;

/**
 * The address of a float32 tensor's first element, on whatever device the tensor lives (a CUDA device pointer
 * on a GPU), for handing to a C library such as NCCL.
 *
 * <p>DJL 0.36 exposes memory only of CPU tensors and TorchScript refuses {@code Tensor.data_ptr()}; but DJL's
 * PyTorch handle is the address of a heap {@code torch::Tensor} (its JNI layer returns {@code new
 * torch::Tensor(...)} cast to an integer), and {@code libtorch_cpu.so} exports the explicit instantiation
 * {@code at::TensorBase::data_ptr<float>() const} in every build, CPU or CUDA. That member function is called
 * through JNA with the tensor as its first argument ({@code this}, Itanium C++ ABI on x86-64 and aarch64). The
 * library is opened by the path the engine already loaded it from, never by name: the dynamic linker could
 * otherwise find another libtorch on the search path.
 */
public final class TensorMemory {
    /** {@code at::TensorBase::data_ptr<float>() const}, mangled. */
    static final String DATA_PTR_FLOAT = "_ZNK2at10TensorBase8data_ptrIfEEPT_v";
    private static final String LIBTORCH_CPU = "libtorch_cpu.so";

    private static Function dataPtr;

    private TensorMemory() {}

    /**
     * The address of {@code array}'s first element; valid while the array is open. Only dense float32 arrays
     * of the PyTorch engine: {@code data_ptr<float>} throws a C++ exception on another type, which would end the
     * JVM, so the type is checked here first.
     *
     * @throws IllegalArgumentException for another engine, data type or a sparse array
     * @throws IllegalStateException when libtorch's function cannot be found
     */
    public static Pointer address(NDArray array) {
        if (!(array instanceof PtNDArray pt)) {
            throw new IllegalArgumentException("device pointers need the PyTorch engine, not "
                    + array.getManager().getEngine().getEngineName());
        }
        if (array.getDataType() != DataType.FLOAT32 || array.getSparseFormat() != SparseFormat.DENSE) {
            throw new IllegalArgumentException("device pointers of dense float32 arrays only, not "
                    + array.getDataType() + " " + array.getSparseFormat());
        }
        long handle = pt.getHandle();
        return dataPointer().invokePointer(new Object[] {new Pointer(handle)});
    }

    /**
     * True when {@link #address} of {@code array} is host memory this process may read and write: a dense
     * float32 CPU array of the PyTorch engine whose libtorch exports {@code data_ptr<float>}. A CUDA array's
     * address is a device pointer, which host code must never dereference.
     */
    public static boolean isHost(NDArray array) {
        if (!(array instanceof PtNDArray) || array.getDataType() != DataType.FLOAT32
                || array.getSparseFormat() != SparseFormat.DENSE
                || !Device.Type.CPU.equals(array.getDevice().getDeviceType())) {
            return false;
        }
        try {
            dataPointer();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * A direct buffer over {@code array}'s own memory in native byte order, valid while the array is open: what
     * is written through it is the array's new content. Only for arrays {@link #isHost} accepts and that are
     * contiguous (a flattened bucket is: {@code torch.cat} makes a new dense 1-d tensor); the buffer covers
     * {@code size()} consecutive floats from the first element.
     *
     * @throws IllegalArgumentException for an array outside host memory
     */
    public static ByteBuffer hostBuffer(NDArray array) {
        if (!isHost(array)) {
            throw new IllegalArgumentException("no host buffer over a " + array.getDataType() + " array on "
                    + array.getDevice() + " of " + array.getManager().getEngine().getEngineName()
                    + ": dense float32 CPU arrays of the PyTorch engine only");
        }
        long bytes = array.size() * Float.BYTES;
        if (bytes == 0) {
            // An empty tensor may have no storage at all (data_ptr is null).
            return ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
        }
        return address(array).getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    }

    private static synchronized Function dataPointer() {
        if (dataPtr == null) {
            Path lib = loadedLibrary(LIBTORCH_CPU);
            try {
                dataPtr = NativeLibrary.getInstance(lib.toString()).getFunction(DATA_PTR_FLOAT);
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException(lib + " does not export " + DATA_PTR_FLOAT
                        + " (at::TensorBase::data_ptr<float>); is it libtorch 2.x?", e);
            }
        }
        return dataPtr;
    }

    /** The file a library named {@code fileName} was mapped from into this process (Linux). */
    static Path loadedLibrary(String fileName) {
        return LoadedLibraries.find(fileName).orElseThrow(() -> new IllegalStateException(fileName
                + " is not loaded in this process (/proc/self/maps): start the PyTorch engine first"));
    }
}
