package org.easycv4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.registry.Kind;

/**
 * A trainable model as the runner sees it (registry kind "model"): a DJL block with stable, timm-style
 * parameter names, plus the task logic that turns a batch into a loss.
 */
public interface TaskModel {
    /** The registry kind of {@code TaskModel}s (tools/list model): what a config's {@code type} names here. */
    Kind<TaskModel> KIND = Kind.of("model", TaskModel.class, "a network plus the task logic that turns a batch into a loss");


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
    default void afterInitialize(NDManager manager) throws IOException {}

    /**
     * How weights files written elsewhere (another framework's names) map to {@link #namedParameters()}: used by
     * {@code load_from}, evaluation and export. The default keeps the names.
     */
    default NameMapping nameMapping() {
        return NameMapping.IDENTITY;
    }

    /**
     * What an export of this model holds. The default exports every parameter of a classifier whose block maps
     * images (N, C, H, W) to logits (N, classes); a pretraining model exports its backbone instead.
     */
    default ModelExport export() {
        return new ModelExport(ModelExport.Task.CLASSIFICATION, namedParameters());
    }

    /**
     * True when training batches must carry labels (a classifier); false for self-supervised pretraining such as
     * MAE, which learns from the images alone.
     */
    default boolean trainsOnLabels() {
        return true;
    }

    /**
     * The model as a TorchScript module for serving ({@code tools/export --format torchscript}), when it can
     * write one: a classifier from normalized images to logits, a pretraining model its encoder as a feature
     * extractor. The default has none.
     */
    default Optional<ScriptModule> scriptModule() {
        return Optional.empty();
    }

    /**
     * Checks that {@link #features} supports {@code pooling}, before any image is read; throws
     * {@link UnsupportedOperationException} naming why not. The default: the model has no features.
     */
    default void checkFeatures(FeaturePooling pooling) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no features for probes on frozen "
                + "features (kNN)");
    }

    /**
     * One feature vector per image for probes that keep the model frozen (the kNN monitor): images (N, C, H, W) to
     * float32 (N, D), in evaluation mode (no masking, no drop path, no dropout), pooled as {@code pooling} says.
     * The arrays belong to the manager of {@code parameters}. Models that support it override
     * {@link #checkFeatures} too.
     */
    default NDArray features(ParameterStore parameters, NDArray images, FeaturePooling pooling) {
        checkFeatures(pooling);
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no features");
    }

    /** The layers of this model's parameters for layer-wise lr decay; {@link LayerIds#NONE} for a flat model. */
    default LayerIds layerIds() {
        return LayerIds.NONE;
    }

    /** The classes a classifier's head predicts ({@code num_classes}); empty for models that predict no class. */
    default java.util.OptionalInt numClasses() {
        return java.util.OptionalInt.empty();
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
     * reject the half types: a setting of the user's, so an IllegalArgumentException saying which key to change.
     */
    default void setAutocast(DataType type) {
        if (type != DataType.FLOAT32) {
            String amp = MixedPrecision.of(type).configName();
            throw new IllegalArgumentException("amp = " + amp + ": " + getClass().getSimpleName()
                    + " has no mixed-precision support (amp = " + amp + "); set amp = none (or drop --amp / --fp16)");
        }
    }
}
