package org.easycv4j.tools.export;

import org.easycv4j.data.image.ByteImage;

/** Colour to grey for models trained on one channel. */
final class ImageGrey {
    private ImageGrey() {}

    /** ITU-R 601 luma, as PIL's {@code convert("L")}: (299 R + 587 G + 114 B) / 1000, rounded. */
    static ByteImage luma(ByteImage rgb) {
        byte[] src = rgb.pixels();
        byte[] out = new byte[rgb.width() * rgb.height()];
        for (int i = 0; i < out.length; i++) {
            int r = src[3 * i] & 0xff;
            int g = src[3 * i + 1] & 0xff;
            int b = src[3 * i + 2] & 0xff;
            out[i] = (byte) ((r * 299 + g * 587 + b * 114 + 500) / 1000);
        }
        return new ByteImage(rgb.width(), rgb.height(), 1, out);
    }
}
