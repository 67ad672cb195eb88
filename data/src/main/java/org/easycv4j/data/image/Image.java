package org.easycv4j.data.image;

/** An image flowing through a pipeline: 8-bit HWC before ToTensor, float CHW after. */
public sealed interface Image permits ByteImage, FloatImage {
    int width();

    int height();

    int channels();

    /** "(C, H, W)" for messages. */
    default String shapeText() {
        return "(" + channels() + ", " + height() + ", " + width() + ")";
    }
}
