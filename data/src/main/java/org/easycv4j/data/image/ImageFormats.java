package org.easycv4j.data.image;

/** Cheap structural checks done before decoding, identical for every backend. */
public final class ImageFormats {
    private ImageFormats() {}

    /**
     * Rejects empty and truncated JPEG / PNG data. Decoders (libjpeg in particular) accept a JPEG cut
     * short and fill the missing rows with grey; such a sample would silently train on garbage.
     */
    public static void checkComplete(byte[] data) throws ImageDecodeException {
        if (data.length == 0) {
            throw new ImageDecodeException("empty file");
        }
        if (data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8) {
            int end = data.length;
            // Some encoders pad after the end-of-image marker; tolerate zero / whitespace padding.
            while (end > 2 && (data[end - 1] == 0 || data[end - 1] == '\n' || data[end - 1] == '\r')) {
                end--;
            }
            if (end < 4 || (data[end - 2] & 0xFF) != 0xFF || (data[end - 1] & 0xFF) != 0xD9) {
                throw new ImageDecodeException("truncated JPEG (no end-of-image marker)");
            }
        } else if (data.length >= 8 && (data[0] & 0xFF) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G') {
            int n = data.length;
            if (n < 20 || data[n - 8] != 'I' || data[n - 7] != 'E' || data[n - 6] != 'N' || data[n - 5] != 'D') {
                throw new ImageDecodeException("truncated PNG (no IEND chunk)");
            }
        }
    }
}
