package org.easycv4j.data.image;

/**
 * An image flowing through a pipeline: 8-bit HWC before ToTensor, float CHW after; still encoded only on its way
 * into a first transform that decodes it itself.
 */
public sealed interface Image permits ByteImage, FloatImage, EncodedImage {
    int width();

    int height();

    int channels();

    /** "(C, H, W)" for messages. */
    default String shapeText() {
        return "(" + channels() + ", " + height() + ", " + width() + ")";
    }
}
