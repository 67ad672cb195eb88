package org.easycv4j.models.vit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.Map;
import org.easycv4j.core.engine.TorchOps;

/**
 * What one forward pass needs besides its input: the parameter store, the step's manager (the input's),
 * the compute type, the mixed-precision type and the training flag.
 *
 * <p>Mixed precision ({@link #half}, {@link #full}): matrix products run in float16 or bfloat16 on copies of the
 * float32 weights and activations, as under {@code torch.autocast}; layers call {@code half} on their operands
 * and {@code full} where float32 is needed (softmax, LayerNorm's residual stream, the loss). The casts are
 * copies that autograd records (DJL's {@code toType} would cut the gradient path): float16 ones into a fresh
 * array, bfloat16 ones through {@link TorchOps} (DJL cannot create or name bfloat16 arrays; they report
 * {@code UNKNOWN} and stay inside products, element-wise arithmetic and views). Without mixed precision both
 * are the identity.
 *
 * <p>Two DJL rules are enforced here. Scalars used in differentiable arithmetic are NDArrays owned by the
 * step's manager ({@link #scalar}), because {@code x.mul(Number)} builds a tensor over a Java buffer that GC
 * may free before backward reads it. Results of operations whose first operand is a parameter land on the
 * model's manager, so {@link #own} moves them to the step's manager, which frees them with the step.
 */
public final class Step {
    private final ParameterStore store;
    private final NDManager manager;
    private final DataType dataType;
    private final Device device;
    private final boolean training;
    private final DataType autocast;
    private final boolean fusedAttention;
    private final Map<Double, NDArray> scalars = new HashMap<>();

    public Step(ParameterStore store, NDArray input, boolean training) {
        this(store, input, training, input.getDataType(), false);
    }

    /**
     * @param autocast the type of matrix products (FLOAT16 or BFLOAT16), or null for the input's type
     * @param fusedAttention attention through the engine's fused kernel when it has one
     */
    public Step(ParameterStore store, NDArray input, boolean training, DataType autocast, boolean fusedAttention) {
        this.fusedAttention = fusedAttention && TorchOps.available();
        this.autocast = autocast == null ? input.getDataType() : autocast;
        this.store = store;
        this.manager = input.getManager();
        this.dataType = input.getDataType();
        this.device = input.getDevice();
        this.training = training;
    }

    public NDManager manager() {
        return manager;
    }

    public DataType dataType() {
        return dataType;
    }

    public boolean training() {
        return training;
    }

    /** True when attention runs as one fused operator ({@link TorchOps#scaledDotProductAttention}). */
    public boolean fusedAttention() {
        return fusedAttention;
    }

    /** True when matrix products run in a lower precision than the activations. */
    public boolean autocast() {
        return autocast != dataType;
    }

    /** {@code x} in the matrix-product type (a differentiable copy when it differs). */
    public NDArray half(NDArray x) {
        if (autocast == DataType.BFLOAT16) {
            // The cast lands on its input's manager: for a parameter that is the model's, which would keep every
            // step's copy (and its autograd node) until the model is closed.
            return x.getDataType() == DataType.UNKNOWN ? x : own(TorchOps.get().toBfloat16(x));
        }
        return x.getDataType() == autocast ? x : cast(x, autocast);
    }

    /** {@code x} in the activation type, float32 (a differentiable copy when it differs). */
    public NDArray full(NDArray x) {
        if (x.getDataType() == dataType) {
            return x;
        }
        return autocast == DataType.BFLOAT16 ? TorchOps.get().toFloat32(x) : cast(x, dataType);
    }

    private NDArray cast(NDArray x, DataType type) {
        NDArray y = manager.create(x.getShape(), type, device);
        y.set(ALL, x);
        return y;
    }

    private static final NDIndex ALL = new NDIndex("...");

    /** The value of a parameter for this pass. */
    public NDArray param(Parameter p) {
        return store.getValue(p, device, training);
    }

    /** A 0-d array of this pass's type, owned by the step's manager (cached per value). */
    public NDArray scalar(double v) {
        return scalars.computeIfAbsent(v, k -> {
            NDArray a = dataType == DataType.FLOAT64 ? manager.create(v) : manager.create((float) v);
            return a.getDataType() == dataType ? a : a.toType(dataType, false);
        });
    }

    /** Moves an operation's result to the step's manager (for results of parameter-first operations). */
    public NDArray own(NDArray a) {
        a.attach(manager);
        return a;
    }
}
