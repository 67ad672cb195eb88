package org.easycv4j.core.model;

/**
 * How a model turns its encoder's tokens into one feature vector per image for probes on frozen features
 * (the kNN monitor, {@code pooling} in its config: {@code default}, {@code cls}, {@code avg}).
 */
public enum FeaturePooling {
    /** The model's own choice (see the model's {@link TaskModel#features}). */
    DEFAULT,
    /** The cls token after the encoder's final norm (DINO's kNN monitor, MAE's linear probe). */
    CLS,
    /** The mean of the patch tokens after the encoder's final norm (timm's {@code global_pool = "avg"}). */
    AVG
}
