package org.easycv4j.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PyTorch operators that DJL 0.36 does not expose, called through a small TorchScript module: fused attention
 * ({@code scaled_dot_product_attention}) and casts to and from bfloat16, both recorded by autograd; a pinned,
 * non-blocking host-to-device copy; libtorch's own CUDA device count.
 *
 * <p>DJL's own {@code runMethod} runs a module under {@code InferenceMode} (no gradients, and results that
 * autograd refuses to save); the module is therefore called through {@link IValueUtils#forward} in training
 * mode, with the method named by a marker array ({@code module_method:NAME}) that is never passed to libtorch.
 *
 * <p>bfloat16 arrays made here report {@code DataType.UNKNOWN} in DJL (its dtype table stops before
 * bfloat16), and DJL's own {@code toType(BFLOAT16)} aborts the JVM; callers keep bfloat16 arrays inside
 * operators that do not ask DJL for a dtype (matrix products, element-wise arithmetic, views) and cast back
 * with {@link #toFloat32}.
 */
public final class TorchOps {
    private static volatile TorchOps instance;

    private final PtSymbolBlock module;
    private final NDManager markers;
    private final NDArray sdpa;
    private final NDArray toBf16;
    private final NDArray toF32;
    private final NDArray pinned;

    private TorchOps(PtSymbolBlock module, NDManager markers) {
        this.module = module;
        this.markers = markers;
        sdpa = marker("sdpa");
        toBf16 = marker("to_bfloat16");
        toF32 = marker("to_float32");
        pinned = marker("pinned_to_device");
    }

    /** True when the running engine is PyTorch (the only one that has these operators). */
    public static boolean available() {
        return "PyTorch".equals(Engine.getInstance().getEngineName());
    }

    /**
     * The process-wide instance, compiled by the running libtorch on first use. The module has no parameters, so
     * one instance serves every device.
     */
    public static TorchOps get() {
        TorchOps ops = instance;
        if (ops == null) {
            synchronized (TorchOps.class) {
                ops = instance;
                if (ops == null) {
                    ops = load();
                    instance = ops;
                }
            }
        }
        return ops;
    }

    private static TorchOps load() {
        String source;
        try (InputStream in = TorchOps.class.getResourceAsStream("torch_ops.py")) {
            if (in == null) {
                throw new IllegalStateException("resource torch_ops.py missing from the easycv4j-core jar");
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] archive = TorchScriptArchive.build("torch_ops", "TorchOps", source);
        // Lives as long as the process, like the engine: not attached to any caller's manager.
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            return new TorchOps(JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive),
                    true, false), manager);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        }
    }

    private NDArray marker(String method) {
        NDArray m = markers.create(0f);
        m.setName("module_method:" + method);
        return m;
    }

    /**
     * {@code softmax(q k^T / sqrt(head_dim)) v} as one fused operator ({@code torch.nn.functional.
     * scaled_dot_product_attention}: flash or memory-efficient kernels on CUDA, a fused CPU kernel otherwise),
     * differentiable; q, k, v of shape (batch, heads, tokens, head_dim) and one floating type. The result lives in
     * q's manager.
     */
    public NDArray scaledDotProductAttention(NDArray q, NDArray k, NDArray v) {
        return call(q, k, v, sdpa);
    }

    /** {@code x} as a bfloat16 copy that autograd records (its gradient flows back as float32). */
    public NDArray toBfloat16(NDArray x) {
        return call(x, toBf16);
    }

    /** {@code x} as a float32 copy that autograd records (for bfloat16 arrays DJL cannot cast). */
    public NDArray toFloat32(NDArray x) {
        return call(x, toF32);
    }

    /**
     * {@code x} (a host array) copied into page-locked memory and from there to {@code like}'s device without
     * blocking the host: {@code x.pin_memory().to(device, non_blocking=True)}. Operators queued later on the
     * device's stream see the copy completed; libtorch's pinned-memory cache keeps the staging block until the
     * copy is done, so {@code x}'s own memory may be reused as soon as this returns. Needs a CUDA libtorch.
     */
    public NDArray pinnedToDevice(NDArray x, NDArray like) {
        NDArray out = call(x, like, pinned);
        out.attach(like.getManager());
        return out;
    }

    /**
     * The bytes of {@code buf} (reused by the caller as soon as this returns) as a uint8 array of {@code shape}
     * in {@code scope}, on its device: to a GPU through {@link #pinnedToDevice} (the step's work is queued
     * behind the copy instead of waiting for it; DJL's own transfer is a synchronous copy from pageable memory),
     * otherwise wrapped as DJL does. {@code like} is any array on that device that outlives the copy.
     */
    public static NDArray uint8ToDevice(NDManager scope, ByteBuffer buf, Shape shape, NDArray like) {
        if (!scope.getDevice().isGpu() || !available()) {
            return scope.create(buf, shape, DataType.UINT8);
        }
        try (NDManager host = NDManager.newBaseManager(Device.cpu());
                NDArray alias = host.create(buf, shape, DataType.UINT8)) {
            NDArray out = get().pinnedToDevice(alias, like);
            out.attach(scope);
            return out;
        }
    }

    /** Hands the caching allocator's free GPU blocks back to the driver (between benchmarks of different sizes). */
    public static void emptyCudaCache() {
        JniUtils.emptyCudaCache();
    }

    /**
     * The number of CUDA devices libtorch itself sees, asked through TorchScript's {@code cuda::device_count},
     * which only CUDA builds register. DJL's own count asks a {@code libcudart.so} found on the library path,
     * which a Python-wheel libtorch does not put there.
     */
    public static int cudaDeviceCount() {
        String source = "class CudaProbe(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n"
                + "  def count(self: __torch__.CudaProbe) -> int:\n    return ops.cuda.device_count()\n";
        byte[] archive = TorchScriptArchive.build("cuda_probe", "CudaProbe", source);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                PtSymbolBlockHolder probe = new PtSymbolBlockHolder(JniUtils.loadModule((PtNDManager) manager,
                        new ByteArrayInputStream(archive), true, false));
                IValue n = IValueUtils.runMethod(probe.block, "count")) {
            return (int) n.toLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record PtSymbolBlockHolder(PtSymbolBlock block) implements AutoCloseable {
        @Override
        public void close() {
            block.close();
        }
    }

    private NDArray call(NDArray... inputsThenMarker) {
        NDList out = IValueUtils.forward(module, new NDList(inputsThenMarker), true);
        return out.singletonOrThrow();
    }
}
