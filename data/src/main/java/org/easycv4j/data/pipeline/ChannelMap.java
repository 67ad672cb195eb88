package org.easycv4j.data.pipeline;

/**
 * A step on tensors that maps every value by an affine function of its channel alone (Normalize), so a
 * {@link TensorWriter} before it can take it into its per-byte tables and its affine map.
 */
public interface ChannelMap extends Transform {

    /**
     * Applies this step to per-channel value tables in place, with the same float arithmetic as {@link #apply},
     * so the fused step gives the same values. {@code origin} names the image in errors.
     */
    void mapTables(float[][] tables, String origin);

    /** Composes this step after {@code value * scale[c] + shift[c]}, in place. */
    void mapAffine(float[] scale, float[] shift, String origin);
}
