package org.easycv4j.data.image;

/**
 * An 8-bit image, rows of interleaved channels (HWC), RGB order for colour images, 1 channel for grey.
 * The array is owned by the image; transforms return new images rather than aliasing.
 */
public record ByteImage(int width, int height, int channels, byte[] pixels) implements Image {

    public ByteImage {
        if (width < 1 || height < 1 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("bad image shape " + width + "x" + height + "x" + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("pixel array of " + pixels.length + " bytes for a "
                    + width + "x" + height + "x" + channels + " image");
        }
    }

    public static ByteImage blank(int width, int height, int channels) {
        return new ByteImage(width, height, channels, new byte[width * height * channels]);
    }

    /** Channel {@code c} of pixel (x, y) as 0..255. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }

    /** The same pixels with the grey channel repeated three times (a colour image is returned as is). */
    public ByteImage toRgb() {
        if (channels == 3) {
            return this;
        }
        byte[] out = new byte[width * height * 3];
        for (int i = 0, j = 0; i < pixels.length; i++, j += 3) {
            byte v = pixels[i];
            out[j] = v;
            out[j + 1] = v;
            out[j + 2] = v;
        }
        return new ByteImage(width, height, 3, out);
    }

    /** The image mirrored left-right. */
    public ByteImage mirrored() {
        byte[] out = new byte[pixels.length];
        int rowBytes = width * channels;
        for (int row = 0; row < pixels.length; row += rowBytes) {
            if (channels == 3) {
                for (int i = row, o = row + rowBytes - 3, end = row + rowBytes; i < end; i += 3, o -= 3) {
                    out[o] = pixels[i];
                    out[o + 1] = pixels[i + 1];
                    out[o + 2] = pixels[i + 2];
                }
            } else {
                for (int i = row, o = row + rowBytes - 1, end = row + rowBytes; i < end; i++, o--) {
                    out[o] = pixels[i];
                }
            }
        }
        return new ByteImage(width, height, channels, out);
    }
}
