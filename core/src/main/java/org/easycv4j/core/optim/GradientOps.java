package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.easycv4j.core.engine.TorchFusedOps;
import org.easycv4j.core.model.NamedParameter;

/**
 * The train loop's operations over all gradients at once: global-norm clipping as
 * {@code torch.nn.utils.clip_grad_norm_} and zeroing. On the PyTorch engine they run as PyTorch's multi-tensor
 * kernels (a few native calls for the whole model); elsewhere as per-parameter array operations
 * ({@link Gradients}). Parameters that require no gradient are skipped.
 */
public interface GradientOps extends AutoCloseable {

    /**
     * The global L2 norm of all gradients as a 0-d array in {@code manager} (no host synchronisation). With
     * {@code maxNorm > 0} the gradients are scaled in place by {@code min(1, maxNorm / (norm + 1e-6))}.
     */
    NDArray clip(List<NamedParameter> params, double maxNorm, NDManager manager);

    /** Sets every gradient to 0 (NaN and infinity included). */
    void zero(List<NamedParameter> params);

    /** The arrays concatenated into one new detached 1-d array in {@code manager}. */
    NDArray flatten(List<NDArray> arrays, NDManager manager);

    /**
     * Overwrites {@code arrays} with consecutive parts of the 1-d {@code flat} times {@code scale} (the inverse
     * of {@link #flatten}); parameters may be overwritten too (the copy is not recorded by autograd).
     */
    void unflattenInto(NDArray flat, List<NDArray> arrays, double scale);

    @Override
    default void close() {}

    /** The fastest implementation for the engine of {@code manager}. */
    static GradientOps forEngine(NDManager manager) {
        if ("PyTorch".equals(manager.getEngine().getEngineName())) {
            var ops = TorchFusedOps.tryLoad(manager);
            if (ops.isPresent()) {
                return new Fused(ops.get());
            }
        }
        return new PerParameter();
    }

    /** Array operations, one or two per parameter; any engine. */
    final class PerParameter implements GradientOps {
        @Override
        public NDArray clip(List<NamedParameter> params, double maxNorm, NDManager manager) {
            return maxNorm > 0 ? Gradients.clipGlobalNorm(params, maxNorm, manager)
                    : Gradients.globalNorm(params, manager);
        }

        @Override
        public void zero(List<NamedParameter> params) {
            Gradients.zero(params);
        }

        @Override
        public NDArray flatten(List<NDArray> arrays, NDManager manager) {
            try (NDManager scope = manager.newSubManager()) {
                ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
                for (NDArray a : arrays) {
                    NDArray part = a.stopGradient().reshape(-1);
                    part.attach(scope);
                    parts.add(part);
                }
                NDArray flat = ai.djl.ndarray.NDArrays.concat(parts);
                flat.attach(manager);
                return flat;
            }
        }

        @Override
        public void unflattenInto(NDArray flat, List<NDArray> arrays, double scale) {
            try (NDManager scope = flat.getManager().newSubManager()) {
                NDArray source = flat;
                if (scale != 1.0) {
                    source = flat.mul(scope.create((float) scale).toDevice(flat.getDevice(), false));
                    source.attach(scope);
                }
                long offset = 0;
                for (NDArray a : arrays) {
                    long n = a.size();
                    NDArray part = source.get(offset + ":" + (offset + n)).reshape(a.getShape());
                    part.attach(scope);
                    a.set(new ai.djl.ndarray.index.NDIndex("..."), part);
                    offset += n;
                }
            }
        }
    }

    /** PyTorch's {@code _foreach_norm}, {@code _foreach_mul_} and {@code _foreach_zero_}. */
    final class Fused implements GradientOps {
        private final TorchFusedOps ops;

        Fused(TorchFusedOps ops) {
            this.ops = ops;
        }

        @Override
        public NDArray clip(List<NamedParameter> params, double maxNorm, NDManager manager) {
            try (NDManager scope = manager.newSubManager()) {
                return ops.clip(Gradients.of(params, scope), maxNorm, manager);
            }
        }

        @Override
        public void zero(List<NamedParameter> params) {
            if (params.isEmpty()) {
                return;
            }
            try (NDManager scope = params.get(0).parameter().getArray().getManager().newSubManager()) {
                ops.zero(Gradients.of(params, scope));
            }
        }

        @Override
        public NDArray flatten(List<NDArray> arrays, NDManager manager) {
            return ops.flatten(arrays, manager);
        }

        @Override
        public void unflattenInto(NDArray flat, List<NDArray> arrays, double scale) {
            ops.unflattenInto(flat, arrays, scale);
        }

        @Override
        public void close() {
            ops.close();
        }
    }
}
