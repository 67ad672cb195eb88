package org.easycv4j.data.sample;

import org.easycv4j.data.image.Image;

/**
 * One sample flowing through a pipeline.
 *
 * @param index the sample's index in its data source (keys its random stream)
 * @param image the image, 8-bit before ToTensor and float after
 * @param label the class index, or {@link #NO_LABEL} for self-supervised data
 * @param origin where it came from (file path, or IDX file and record number), for error messages
 */
public record Sample(int index, Image image, int label, String origin) {
    public static final int NO_LABEL = -1;

    public Sample withImage(Image newImage) {
        return new Sample(index, newImage, label, origin);
    }
}
