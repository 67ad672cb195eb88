package org.easycv4j.core.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;

/**
 * A model from its config and a checkpoint: built, its parameters created on the manager's device, and the
 * checkpoint's weights loaded strictly (every parameter, nothing else; a checkpoint folder checked against its
 * recorded digests first, other formats' names mapped by the model). The one path by which evaluation, export and
 * reconstruction get a trained model.
 */
public final class TrainedModels {
    private TrainedModels() {}

    /** Builds the model {@code spec} describes and loads {@code weights} into it. */
    public static TaskModel load(Spec<TaskModel> spec, BuildContext context, Path weights, NDManager manager,
            int batchSize) throws IOException {
        return load(spec.create(context), weights, manager, batchSize);
    }

    /** Creates the parameters of an already built {@code model} and loads {@code weights} into them. */
    public static <M extends TaskModel> M load(M model, Path weights, NDManager manager, int batchSize)
            throws IOException {
        initialize(model, manager, batchSize);
        WeightLoader.load(weights, model.namedParameters(), model.nameMapping(), LoadPolicy.STRICT, manager);
        return model;
    }

    /** Creates the parameters of {@code model} (float32, on the manager's device) for batches of {@code batchSize}. */
    public static void initialize(TaskModel model, NDManager manager, int batchSize) {
        model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(batchSize));
    }
}
