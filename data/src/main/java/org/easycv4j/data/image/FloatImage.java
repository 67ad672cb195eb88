package org.easycv4j.data.image;

/** A float image in planar layout (CHW), as produced by ToTensor; the array is owned by the image. */
public record FloatImage(int channels, int height, int width, float[] data) implements Image {

    public FloatImage {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("float array of " + data.length + " values for a "
                    + channels + "x" + height + "x" + width + " image");
        }
    }
}
