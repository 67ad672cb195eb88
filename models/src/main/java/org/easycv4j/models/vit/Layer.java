package org.easycv4j.models.vit;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Base of the ViT layers: every parameter has a fixed shape known at construction (so initialization needs
 * no shape inference), and layers are called directly through typed methods from their parent's forward
 * rather than through {@link Block#forward}, which saves the NDList wrapping per call.
 */
public abstract class Layer extends AbstractBlock {

    /** Adds a parameter with a fixed shape and initializer. */
    protected final Parameter param(String name, Shape shape, Initializer init, boolean trainable) {
        return addParameter(Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optShape(shape)
                .optInitializer(init)
                .optRequiresGrad(trainable)
                .build());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " is called through its typed apply method by its parent");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
