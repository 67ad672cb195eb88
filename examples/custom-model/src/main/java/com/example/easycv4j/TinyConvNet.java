package com.example.easycv4j;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;

/** A small convolutional classifier: conv 3x3, ReLU, global average pooling, linear head. */
public final class TinyConvNet implements TaskModel {
    private final TinyConvNetSettings settings;
    private final SequentialBlock net = new SequentialBlock();

    public TinyConvNet(TinyConvNetSettings settings) {
        this.settings = settings;
        net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .setFilters(settings.channels()).build());
        net.add(Activation.reluBlock());
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(settings.numClasses()).build());
    }

    @Override
    public Block block() {
        return net;
    }

    @Override
    public Shape[] inputShapes(int batchSize) {
        return new Shape[] {new Shape(batchSize, settings.inChannels(), settings.imageSize(), settings.imageSize())};
    }

    @Override
    public StepOutput forward(ParameterStore parameters, Batch batch, boolean training) {
        NDArray logits = net.forward(parameters, new NDList(batch.inputs().get(0)), training).singletonOrThrow();
        NDArray labels = batch.labels().get(0);
        NDArray target = labels.getShape().dimension() == 1
                ? labels.toType(DataType.INT32, false).oneHot(settings.numClasses())
                : labels;
        NDArray loss = logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
        return new StepOutput(loss, new NDList(logits));
    }
}
