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

    /**
     * Decodes the region (x, y, w, h) of {@code img} (in full-scale pixels) and resamples it to outW x outH:
     * {@code resize(decode(...), ...)}, except that with {@code reduced} a backend may decode at the scale
     * {@link ReducedDecode#factor} allows and resample the corresponding region of that. The whole picture
     * need not leave native memory.
     *
     * @throws ImageDecodeException also when the decoded size is not the header's
     */
    default ByteImage decodeResized(EncodedImage img, int x, int y, int w, int h, int outW, int outH,
            Interpolation interpolation, boolean reduced) throws ImageDecodeException {
        ByteImage full = decode(img.data(), img.toRgb());
        img.checkDecoded(full.width(), full.height(), 1);
        return resize(full, x, y, w, h, outW, outH, interpolation);
    }

    /** The image mirrored left-right. */
    default ByteImage mirror(ByteImage img) {
        return img.mirrored();
    }
}
