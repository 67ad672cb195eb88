package org.easycv4j.core.model;

import ai.djl.nn.Block;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.optim.NamedParameter;

/**
 * A trainable model as the runner sees it (registry kind "model"): a DJL block with stable, timm-style
 * parameter names, plus the task logic that turns a batch into a loss.
 */
public interface TaskModel {

    /** The network. */
    Block block();

    /**
     * The parameters with stable dotted names (timm's scheme), used by checkpoints and optimizer rules.
     * The default derives them from the block tree with {@link ParameterNames}.
     */
    default List<NamedParameter> namedParameters() {
        return ParameterNames.of(block());
    }

    /**
     * Called once after the parameters are initialized and before training starts, e.g. to load pretrained
     * weights named in the settings. Not called when weights come from a checkpoint being resumed or evaluated.
     */
    default void afterInitialize(ai.djl.ndarray.NDManager manager) throws java.io.IOException {}

    /**
     * What an export of this model holds. The default exports every parameter of a classifier whose block maps
     * images (N, C, H, W) to logits (N, classes); a pretraining model exports its backbone instead.
     */
    default ModelExport export() {
        return new ModelExport(ModelExport.CLASSIFICATION, namedParameters());
    }

    /** Shapes of the network's inputs for a batch of {@code batchSize}, used to initialize parameters. */
    Shape[] inputShapes(int batchSize);

    /**
     * Runs the forward pass on a batch. With {@code training} true the loss must be differentiable; scalars
     * used in it must be NDArrays of the batch's manager (DJL frees Java-side scalars before backward).
     */
    StepOutput forward(ParameterStore parameters, Batch batch, boolean training);

    /**
     * Switches mixed precision: with {@code FLOAT16} or {@code BFLOAT16} the model runs its matrix products in
     * that type from its float32 weights (LayerNorm, softmax and the loss stay float32), as under
     * {@code torch.autocast}; with {@code FLOAT32} everything is float32. Models without mixed-precision support
     * reject the half types.
     */
    default void setAutocast(ai.djl.ndarray.types.DataType type) {
        if (type != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new UnsupportedOperationException(getClass().getSimpleName()
                    + " has no mixed-precision support (amp = " + MixedPrecision.of(type).configName() + ")");
        }
    }
}
