package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import org.easycv4j.core.model.FeaturePooling;

/**
 * The encoder's pass over every patch, without masking: shared by the classifier's forward pass and the frozen
 * features that probes (the kNN monitor) read from any ViT encoder, MAE's included.
 */
public final class VitFeatures {
    private VitFeatures() {}

    /**
     * Patch embedding, the cls token in front, the position embedding, then the blocks: every token (cls first)
     * before the final norm, (N, 1 + L, D).
     */
    public static NDArray tokens(VitEncoder e, Step s, NDArray images) {
        NDArray x = e.patchEmbed.apply(s, images);
        long n = x.getShape().get(0);
        NDArray cls = s.own(s.param(e.clsToken).broadcast(n, 1, e.vit.embedDim()));
        x = NDArrays.concat(new NDList(cls, x), 1).add(s.param(e.posEmbed));
        return e.blocks.apply(s, x);
    }

    /**
     * Frozen features of an encoder that has its final {@code norm} (MAE's): evaluation mode (no drop path),
     * float32 (N, D); {@link FeaturePooling#CLS} the cls token after the norm, {@link FeaturePooling#AVG} the mean
     * of the patch tokens after the norm (timm's {@code global_pool = "avg"} on a model without {@code fc_norm}).
     */
    public static NDArray pooled(VitEncoder e, ParameterStore store, NDArray images, FeaturePooling pooling) {
        if (e.norm == null) {
            throw new IllegalStateException("this encoder has no final norm");
        }
        Step s = e.begin(store, images, false);
        NDArray x = e.norm.apply(s, tokens(e, s, images));
        NDArray f = switch (pooling) {
            case CLS -> x.get(":, 0, :");
            case AVG -> x.get(":, 1:, :").mean(new int[] {1});
            case DEFAULT -> throw new IllegalArgumentException("resolve the default pooling first");
        };
        return s.full(f);
    }
}
