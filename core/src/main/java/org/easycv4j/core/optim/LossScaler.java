package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.engine.TorchFusedOps;
import org.easycv4j.core.model.NamedParameter;

/**
 * Dynamic loss scaling for fp16 mixed precision, with {@code torch.amp.GradScaler}'s rules: the loss is
 * multiplied by the scale before backward; the gradients are divided by it before clipping, and any NaN or
 * infinity among them sets a flag; after an overflow the step is skipped and the scale multiplied by
 * {@code backoff_factor}; after {@code growth_interval} good steps in a row it is multiplied by
 * {@code growth_factor}, never to infinity. Scale, flag and counter stay on the device (PyTorch's kernels).
 */
public final class LossScaler {
    /** Names of the scaler's arrays in a checkpoint's optimizer file. */
    public static final String PREFIX = "amp.";
    public static final String SCALE_KEY = PREFIX + "loss_scale";
    public static final String TRACKER_KEY = PREFIX + "growth_tracker";

    private final LossScaleSettings settings;
    private final TorchFusedOps ops;
    private final NDArray scale;
    private final NDArray growthTracker;
    private final NDArray foundInf;

    /** Creates the scaler's state in {@code manager} (long-lived: the run's or the model's manager). */
    public LossScaler(LossScaleSettings settings, NDManager manager) {
        if (!"PyTorch".equals(manager.getEngine().getEngineName())) {
            throw new UnsupportedOperationException("fp16 mixed precision needs the PyTorch engine, not "
                    + manager.getEngine().getEngineName());
        }
        this.settings = settings;
        this.ops = TorchFusedOps.tryLoad(manager).orElseThrow(() -> new UnsupportedOperationException(
                "fp16 mixed precision needs PyTorch's fused kernels: " + TorchFusedOps.unavailableReason()
                        + "; use amp = bf16 or none"));
        this.scale = manager.full(new Shape(1), (float) settings.initScale(), DataType.FLOAT32, manager.getDevice());
        this.growthTracker = manager.zeros(new Shape(1), DataType.INT32, manager.getDevice());
        this.foundInf = manager.zeros(new Shape(1), DataType.FLOAT32, manager.getDevice());
    }

    public LossScaleSettings settings() {
        return settings;
    }

    /** {@code loss * scale}, differentiable, in the loss's manager. */
    public NDArray scaleLoss(NDArray loss) {
        NDArray s = scale.getDataType() == loss.getDataType() ? scale : scale.toType(loss.getDataType(), false);
        NDArray out = loss.mul(s.reshape(new Shape()));
        out.attach(loss.getManager());
        return out;
    }

    /**
     * Divides every gradient by the scale in place and records whether any is non-finite. Returns the flag
     * (1-element array, 1 on overflow) for {@link #update}; nothing is read on the host.
     */
    public NDArray unscale(List<NamedParameter> params, NDManager scope) {
        foundInf.set(new NDIndex("..."), 0f);
        try (NDManager local = scope.newSubManager()) {
            NDArray inv = scale.getNDArrayInternal().rdiv(1f);
            inv.attach(local);
            ops.unscale(Gradients.of(params, local), foundInf, inv);
        }
        return foundInf;
    }

    /** Backs off or grows the scale from this step's overflow flag (call after every unscale). */
    public void update() {
        ops.updateScale(scale, growthTracker, foundInf, settings.growthFactor(), settings.backoffFactor(),
                settings.growthInterval());
    }

    /** The current scale (reads the device: for logs, not for every step). */
    public double currentScale() {
        return scale.getFloat(0);
    }

    /** Scale and growth counter, for checkpoints. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put(SCALE_KEY, scale);
        out.put(TRACKER_KEY, growthTracker);
        return out;
    }

    /** Restores {@link #state()}; a checkpoint without scaler state (an fp32 run) keeps the initial scale. */
    public void loadState(Map<String, NDArray> state) {
        NDArray s = state.get(SCALE_KEY);
        NDArray t = state.get(TRACKER_KEY);
        if (s != null) {
            scale.set(new NDIndex("..."), s.toType(DataType.FLOAT32, false));
        }
        if (t != null) {
            growthTracker.set(new NDIndex("..."), t.toType(DataType.INT32, false));
        }
    }
}
