package org.easycv4j.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's multi-tensor kernels ({@code _fused_adamw_}, {@code _foreach_norm}, {@code _foreach_mul_},
 * {@code _foreach_zero_}) called through a small TorchScript module, so that an optimizer step over all
 * parameters is a handful of native calls instead of several per parameter. These are the kernels
 * {@code torch.optim.AdamW(fused=True)} and {@code clip_grad_norm_(foreach=True)} run, on CPU and CUDA alike.
 */
public final class TorchFusedOps implements AutoCloseable {
    private final PtSymbolBlock module;

    private TorchFusedOps(PtSymbolBlock module) {
        this.module = module;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TorchFusedOps.class);
    /** Why the running libtorch cannot compile the module (null: not tried, or it can); decided once. */
    private static volatile String unavailable;

    /**
     * The module, or empty when the running libtorch lacks one of its kernels ({@code _fused_adamw_} came with
     * PyTorch 2.0; a JNI built for an older libtorch loads fine otherwise): the callers then take their
     * array-operation paths, slower but equal. Logged once.
     */
    public static Optional<TorchFusedOps> tryLoad(NDManager manager) {
        if (unavailable != null) {
            return Optional.empty();
        }
        try {
            return Optional.of(load(manager));
        } catch (ai.djl.engine.EngineException e) {
            String first = String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("");
            unavailable = "libtorch " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion()
                    + " cannot compile the fused optimizer kernels (" + first + ")";
            LOG.warn("{}: the optimizer and gradient clipping use array operations instead (slower; PyTorch 2.0"
                    + " or newer has the kernels)", unavailable);
            return Optional.empty();
        }
    }

    /** Why {@link #tryLoad} found no module, or null. */
    public static String unavailableReason() {
        return unavailable;
    }

    /** Compiles the module with the running libtorch; {@code manager} decides the device. */
    public static TorchFusedOps load(NDManager manager) {
        String source;
        try (InputStream in = TorchFusedOps.class.getResourceAsStream("fused_ops.py")) {
            if (in == null) {
                throw new IllegalStateException("resource fused_ops.py missing from the easycv4j-core jar");
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] archive = TorchScriptArchive.build("fused_ops", "FusedOps", source);
        try {
            return new TorchFusedOps(JniUtils.loadModule((PtNDManager) manager,
                    new ByteArrayInputStream(archive), true, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The global L2 norm of {@code grads} as a 0-d float32 array in {@code manager}; with {@code maxNorm > 0} the
     * gradients are also scaled in place by {@code min(1, maxNorm / (norm + 1e-6))}. No host synchronisation.
     */
    public NDArray clip(List<NDArray> grads, double maxNorm, NDManager manager) {
        try (IValue g = list(grads);
                IValue max = IValue.from(maxNorm);
                IValue out = IValueUtils.runMethod(module, "clip", g, max)) {
            return out.toTensor((PtNDManager) manager);
        }
    }

    /**
     * The first part of a clip-and-step without host reads: the global norm of {@code grads}; {@code step}
     * advances by one when it is finite. Returns {norm (0-d), the divisor that clips the gradients,
     * {@code max(1, (norm + 1e-6) / maxNorm)} (1 for {@code maxNorm <= 0}), the overflow flag (1 when the norm
     * is not finite)}, each a 1-element or 0-d float32 array in {@code manager}, for {@link #adamwScaled} and
     * {@link #zeroUnlessFound}.
     */
    public NDArray[] clipPrepare(List<NDArray> grads, NDArray step, double maxNorm, NDManager manager) {
        try (IValue g = list(grads);
                IValue s = IValue.from((PtNDArray) step);
                IValue max = IValue.from(maxNorm);
                IValue out = IValueUtils.runMethod(module, "clip_prepare", g, s, max)) {
            IValue[] parts = out.toIValueTuple();
            NDArray[] arrays = new NDArray[parts.length];
            for (int i = 0; i < parts.length; i++) {
                arrays[i] = parts[i].toTensor((PtNDManager) manager);
                parts[i].close();
            }
            return arrays;
        }
    }

    /**
     * AdamW over {@code params} with PyTorch's fused kernel, the gradients divided by {@code gradScale}; the
     * kernel does nothing when {@code foundInf} is 1 (both 1-element float32 arrays on the device).
     * {@code steps} holds one float tensor per parameter with the step count (already incremented for this
     * step; the same tensor may be listed repeatedly).
     */
    public void adamwScaled(List<NDArray> params, List<NDArray> grads, List<NDArray> expAvgs,
            List<NDArray> expAvgSqs, List<NDArray> steps, double lr, double beta1, double beta2, double weightDecay,
            double eps, NDArray gradScale, NDArray foundInf) {
        try (IValue p = list(params);
                IValue g = list(grads);
                IValue m = list(expAvgs);
                IValue v = list(expAvgSqs);
                IValue s = list(steps);
                IValue lrV = IValue.from(lr);
                IValue b1 = IValue.from(beta1);
                IValue b2 = IValue.from(beta2);
                IValue wd = IValue.from(weightDecay);
                IValue e = IValue.from(eps);
                IValue gs = IValue.from((PtNDArray) gradScale);
                IValue fi = IValue.from((PtNDArray) foundInf);
                IValue out = IValueUtils.runMethod(module, "adamw_scaled", p, g, m, v, s, lrV, b1, b2, wd, e, gs, fi)) {
            // In place.
        }
    }

    /** Zeroes {@code grads} unless {@code foundInf} is 1 (then they are kept, to be inspected). */
    public void zeroUnlessFound(List<NDArray> grads, NDArray foundInf) {
        try (IValue g = list(grads);
                IValue f = IValue.from((PtNDArray) foundInf);
                IValue out = IValueUtils.runMethod(module, "zero_unless_found", g, f)) {
            // In place.
        }
    }

    /** Sets every array of {@code grads} to zero. */
    public void zero(List<NDArray> grads) {
        try (IValue g = list(grads);
                IValue out = IValueUtils.runMethod(module, "zero", g)) {
            // In place.
        }
    }

    /**
     * {@code grads *= invScale} in place; sets {@code foundInf} (a 1-element float32 array) to 1 when any gradient
     * has a NaN or infinite value, as {@code torch.amp.GradScaler.unscale_}.
     */
    public void unscale(List<NDArray> grads, NDArray foundInf, NDArray invScale) {
        try (IValue g = list(grads);
                IValue f = IValue.from((PtNDArray) foundInf);
                IValue inv = IValue.from((PtNDArray) invScale);
                IValue out = IValueUtils.runMethod(module, "unscale", g, f, inv)) {
            // In place.
        }
    }

    /**
     * GradScaler's update, in place on the device: after an overflow ({@code foundInf} = 1) the scale is
     * multiplied by {@code backoff} and the growth counter reset; after {@code interval} good steps in a row it
     * is multiplied by {@code growth}, unless that would make it infinite.
     */
    public void updateScale(NDArray scale, NDArray growthTracker, NDArray foundInf, double growth, double backoff,
            int interval) {
        try (IValue s = IValue.from((PtNDArray) scale);
                IValue t = IValue.from((PtNDArray) growthTracker);
                IValue f = IValue.from((PtNDArray) foundInf);
                IValue gr = IValue.from(growth);
                IValue b = IValue.from(backoff);
                IValue i = IValue.from((long) interval);
                IValue out = IValueUtils.runMethod(module, "update_scale", s, t, f, gr, b, i)) {
            // In place; the returned handle is the scale itself.
        }
    }

    /** The arrays concatenated into one new 1-d array (detached), in {@code manager}: one native call. */
    public NDArray flatten(List<NDArray> arrays, NDManager manager) {
        try (IValue a = list(arrays);
                IValue out = IValueUtils.runMethod(module, "flatten", a)) {
            return out.toTensor((PtNDManager) manager);
        }
    }

    /**
     * Copies consecutive parts of the 1-d {@code flat} into {@code arrays} (in order, each reshaped to its
     * array's shape), multiplied by {@code scale}; outside autograd, so parameters can be overwritten too.
     */
    public void unflattenInto(NDArray flat, List<NDArray> arrays, double scale) {
        try (IValue f = IValue.from((PtNDArray) flat);
                IValue a = list(arrays);
                IValue s = IValue.from(scale);
                IValue out = IValueUtils.runMethod(module, "unflatten_into", f, a, s)) {
            // In place.
        }
    }

    private static IValue list(List<NDArray> arrays) {
        PtNDArray[] pt = new PtNDArray[arrays.size()];
        for (int i = 0; i < pt.length; i++) {
            pt[i] = (PtNDArray) arrays.get(i);
        }
        return IValue.listFrom(pt);
    }

    @Override
    public void close() {
        module.close();
    }
}
