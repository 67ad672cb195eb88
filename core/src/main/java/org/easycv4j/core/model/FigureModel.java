package org.easycv4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;

/**
 * A model that can draw what it does to a few images (MAE: its reconstructions), for a logger's image summary
 * ({@code TensorboardLoggerHook}). Core draws nothing itself: it knows no model, so the model brings its figure.
 */
public interface FigureModel {

    /** The figure's name: the image summary's tag, e.g. {@code reconstruction}. */
    String figureName();

    /**
     * Draws the figure of {@code images} (N, C, H, W), the model's inputs as the pipeline made them, in evaluation
     * mode and without gradients; arrays it makes belong to {@code manager}, which the caller closes. The same
     * images must give the same figure for the same weights (fixed masking noise, no dropout).
     */
    BufferedImage figure(NDManager manager, NDArray images);
}
