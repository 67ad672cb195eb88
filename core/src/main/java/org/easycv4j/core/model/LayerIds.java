package org.easycv4j.core.model;

/**
 * The layer of each parameter for layer-wise lr decay (the MAE / BEiT fine-tuning recipe): ids 0 (the input
 * embedding) to {@link #numLayers()} (the head), the scale of id i being {@code layer_decay^(numLayers - i)}. A
 * network knows its own layers, so it supplies this ({@link TaskModel#layerIds()}); the optimizer only applies it.
 */
public interface LayerIds {
    /** No layer structure: every parameter in the last layer, so that layer-wise decay leaves all lrs as they are. */
    LayerIds NONE = new LayerIds() {
        @Override
        public int numLayers() {
            return 1;
        }

        @Override
        public int of(String parameterName) {
            return 1;
        }
    };

    /** The id of the last layer (the head's); the input embedding is 0. */
    int numLayers();

    /** The layer id of the parameter named {@code parameterName}, in [0, {@link #numLayers()}]. */
    int of(String parameterName);
}
