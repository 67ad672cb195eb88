package org.easycv4j.models.vit;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * What a {@link VisionTransformer} computes after (or around) its encoder: a classification head, the MAE
 * decoder. A head adds its parameters and layers through the network's {@link VisionTransformer.Slots} when it
 * is built, so that they sit at the top of timm's name space beside the encoder's ({@code head.*},
 * {@code fc_norm.*}, {@code decoder_*}).
 */
public interface VitHead {
    /** The network's forward: from its inputs (images first, then what the head takes) to its outputs. */
    NDList forward(VisionTransformer<?> vit, Step s, NDList inputs);

    /** The shapes {@link #forward} returns for {@code inputShapes}. */
    Shape[] outputShapes(VisionTransformer<?> vit, Shape[] inputShapes);

    /**
     * Emits the exported inference forward from {@code images} (the encoder's features and whatever of the head
     * the export serves) and returns its result's name.
     */
    String script(VisionTransformer<?> vit, ScriptWriter w, String images);

    /** What the exported forward returns, for export.json and the docs. */
    String scriptOutput(VisionTransformer<?> vit);
}
