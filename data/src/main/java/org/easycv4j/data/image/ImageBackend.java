package org.easycv4j.data.image;

/**
 * Decodes encoded images and resamples regions of them. Implementations are thread-safe; the loader's
 * workers share one instance.
 */
public interface ImageBackend {

    /** "opencv" or "imageio". */
    String name();

    /**
     * Decodes JPEG / PNG / BMP bytes into an 8-bit image: RGB for colour, one channel for grey unless
     * {@code toRgb} asks for three. Truncated files (no end marker) are rejected, not half-decoded.
     */
    ByteImage decode(byte[] encoded, boolean toRgb) throws ImageDecodeException;

    /** Resamples the region (x, y, w, h) of {@code src} to outW x outH. */
    ByteImage resize(ByteImage src, int x, int y, int w, int h, int outW, int outH, Interpolation interpolation);
}
