package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.core.model.NamedParameter;

/**
 * Gradient utilities for the train loop: zeroing, global-norm clipping as {@code torch.nn.utils.clip_grad_norm_}
 * (DJL's {@code optClipGrad} is an element-wise clamp, not this) and non-finite gradient detection.
 * Parameters that require no gradient are skipped.
 */
public final class Gradients {
    private Gradients() {}

    /**
     * The global L2 norm of all gradients, as a 0-d array in {@code manager}, computed on the device without
     * copying anything to the host.
     */
    public static NDArray globalNorm(List<NamedParameter> params, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDList squares = new NDList();
            for (NamedParameter p : params) {
                if (!p.parameter().requiresGradient()) {
                    continue;
                }
                NDArray g = p.parameter().getArray().getGradient();
                g.attach(scope);
                // One kernel per parameter: the 2-norm of the flattened gradient (a view, no copy).
                NDArray norm = g.flatten().norm();
                norm.attach(scope);
                squares.add(norm);
            }
            NDArray total = squares.isEmpty() ? scope.create(0f) : NDArrays.stack(squares).norm();
            total.attach(manager);
            return total;
        }
    }

    /**
     * Scales all gradients in place by {@code min(1, maxNorm / (norm + 1e-6))} and returns the norm before
     * clipping (a 0-d array in {@code manager}; no host synchronisation).
     */
    public static NDArray clipGlobalNorm(List<NamedParameter> params, double maxNorm, NDManager manager) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        }
        NDArray norm = globalNorm(params, manager);
        try (NDManager scope = manager.newSubManager()) {
            NDArray denom = norm.add(1e-6f);
            denom.attach(scope);
            NDArray coef = scope.create((float) maxNorm).div(denom).minimum(1f);
            for (NamedParameter p : params) {
                if (!p.parameter().requiresGradient()) {
                    continue;
                }
                try (NDArray g = p.parameter().getArray().getGradient()) {
                    if (g.getDataType() == coef.getDataType()) {
                        g.muli(coef);
                    } else {
                        NDArray c = coef.toType(g.getDataType(), false);
                        c.attach(scope);
                        g.muli(c);
                    }
                }
            }
        }
        return norm;
    }

    /** True when {@code norm} (e.g. from {@link #globalNorm}) is finite; reads one number from the device. */
    public static boolean isFinite(NDArray norm) {
        double v = norm.toType(DataType.FLOAT64, false).getDouble();
        return Double.isFinite(v);
    }

    /** Names of the parameters whose gradient has a NaN or infinite entry (for the error message). */
    public static List<String> nonFinite(List<NamedParameter> params) {
        List<String> out = new ArrayList<>();
        for (NamedParameter p : params) {
            if (!p.parameter().requiresGradient()) {
                continue;
            }
            try (NDArray g = p.parameter().getArray().getGradient();
                    NDManager scope = g.getManager().newSubManager()) {
                NDArray bad = g.isNaN().logicalOr(g.isInfinite()).any();
                bad.attach(scope);
                if (bad.getBoolean()) {
                    out.add(p.name());
                }
            }
        }
        return out;
    }

    /**
     * The gradient arrays of the parameters that require one, as handles attached to {@code scope} (closing the
     * scope frees the handles, not the gradients).
     */
    public static List<NDArray> of(List<NamedParameter> params, NDManager scope) {
        List<NDArray> out = new ArrayList<>(params.size());
        for (NamedParameter p : params) {
            if (p.parameter().requiresGradient()) {
                NDArray g = p.parameter().getArray().getGradient();
                g.attach(scope);
                out.add(g);
            }
        }
        return out;
    }

    /** Sets every gradient to 0 by assignment (multiplying by 0 would keep NaN and infinity). */
    public static void zero(List<NamedParameter> params) {
        NDIndex all = new NDIndex("...");
        for (NamedParameter p : params) {
            if (!p.parameter().requiresGradient()) {
                continue;
            }
            NDArray g = p.parameter().getArray().getGradient();
            // The indexer creates the fill value on the gradient's manager: scope both so nothing stays behind.
            try (NDManager scope = g.getManager().newSubManager()) {
                g.attach(scope);
                g.set(all, 0f);
            }
        }
    }
}
