package org.easycv4j.data.image;

/** Cheap structural checks done before decoding, identical for every backend. */
public final class ImageFormats {
    private ImageFormats() {}

    /**
     * The file extension WebDataset's decoders expect for these bytes, read from their signature rather than a
     * file name (a ".jpg" that holds a PNG is stored as "png"): jpg, png, bmp, gif, webp, tiff, ppm / pgm; empty
     * when none matches.
     */
    public static java.util.Optional<String> extension(byte[] d) {
        if (d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF) {
            return java.util.Optional.of("jpg");
        }
        if (d.length >= 8 && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
            return java.util.Optional.of("png");
        }
        if (d.length >= 2 && d[0] == 'B' && d[1] == 'M') {
            return java.util.Optional.of("bmp");
        }
        if (d.length >= 6 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F' && d[3] == '8') {
            return java.util.Optional.of("gif");
        }
        if (d.length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F' && d[8] == 'W' && d[9] == 'E'
                && d[10] == 'B' && d[11] == 'P') {
            return java.util.Optional.of("webp");
        }
        if (d.length >= 4 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0)
                || (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42))) {
            return java.util.Optional.of("tiff");
        }
        if (d.length >= 2 && d[0] == 'P' && (d[1] == '5' || d[1] == '2')) {
            return java.util.Optional.of("pgm");
        }
        if (d.length >= 2 && d[0] == 'P' && (d[1] == '6' || d[1] == '3')) {
            return java.util.Optional.of("ppm");
        }
        return java.util.Optional.empty();
    }

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
