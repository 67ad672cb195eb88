package org.easycv4j.tools.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;

/**
 * A two-layer perceptron classifier over flattened images. It exists to exercise the framework end to end
 * in seconds (smoke tests, the foundation demo), not to be a good model.
 */
public final class ToyMlp implements TaskModel {
    private final ToyMlpSettings settings;
    private final SequentialBlock block;

    @Override
    public java.util.OptionalInt numClasses() {
        return java.util.OptionalInt.of(settings.numClasses());
    }

    public ToyMlp(ToyMlpSettings settings) {
        this.settings = settings;
        this.block = new SequentialBlock();
        block.add(Blocks.batchFlattenBlock());
        block.add(Linear.builder().setUnits(settings.hidden()).build());
        block.add(Activation.reluBlock());
        block.add(Linear.builder().setUnits(settings.numClasses()).build());
        block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Shape[] inputShapes(int batchSize) {
        long[] dims = new long[settings.inShape().size() + 1];
        dims[0] = batchSize;
        for (int i = 0; i < settings.inShape().size(); i++) {
            dims[i + 1] = settings.inShape().get(i);
        }
        return new Shape[] {new Shape(dims)};
    }

    @Override
    public StepOutput forward(ParameterStore parameters, Batch batch, boolean training) {
        NDArray logits = block.forward(parameters, new NDList(batch.inputs().get(0)), training).singletonOrThrow();
        NDArray loss = null;
        if (!batch.labels().isEmpty()) {
            NDArray labels = batch.labels().get(0);
            NDArray target = labels.getShape().dimension() == 1
                    ? labels.toType(DataType.INT32, false).oneHot(settings.numClasses())
                    : labels;
            loss = logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
        }
        return new StepOutput(loss, new NDList(logits));
    }
}
