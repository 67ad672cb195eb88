package org.easycv4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterNamesTest {

    /** Names its children as timm does: {@code fc1}, {@code fc2}. */
    static final class Mlp extends AbstractBlock {
        final Linear fc1 = addChildBlock("fc1", Linear.builder().setUnits(3).build());
        final Linear fc2 = addChildBlock("fc2", Linear.builder().setUnits(2).build());

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return fc2.forward(ps, fc1.forward(ps, inputs, training), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return fc2.getOutputShapes(fc1.getOutputShapes(inputShapes));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            fc1.initialize(manager, dataType, inputShapes);
            fc2.initialize(manager, dataType, fc1.getOutputShapes(inputShapes));
        }
    }

    @Test
    void namedChildrenGiveTimmNamesAndSequentialChildrenTheirPosition() {
        SequentialBlock seq = new SequentialBlock();
        seq.add(new Mlp());
        seq.add(Activation.reluBlock());
        seq.add(Linear.builder().setUnits(1).build());
        try (NDManager m = NDManager.newBaseManager()) {
            seq.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            List<String> names = ParameterNames.of(seq).stream().map(NamedParameter::name).toList();
            assertEquals(List.of("0.fc1.weight", "0.fc1.bias", "0.fc2.weight", "0.fc2.bias", "2.weight", "2.bias"),
                    names);
        }
    }
}
