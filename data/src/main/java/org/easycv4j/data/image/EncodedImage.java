package org.easycv4j.data.image;

import java.util.Optional;

/**
 * A JPEG not decoded yet, with the size its header declares. A data source hands it to a first transform that
 * decodes it itself ({@code RandomResizedCrop}): knowing the crop before decoding, it may decode at reduced
 * scale ({@link ReducedDecode}) and never copies the whole picture out of native memory.
 *
 * @param data the file's bytes (owned by the image)
 * @param width the width of the full-scale decode
 * @param height the height of the full-scale decode
 * @param channels what a decode gives: 3, or 1 for a greyscale JPEG when {@code toRgb} is false
 * @param toRgb decode greyscale as three equal channels (the data source's {@code to_rgb})
 */
public record EncodedImage(byte[] data, int width, int height, int channels, boolean toRgb) implements Image {

    /**
     * The JPEG's header read up to its frame (SOF) marker; empty when {@code data} is not a JPEG or declares no
     * usable size there (height 0 defers it to a DNL marker, which only a full decode resolves).
     */
    public static Optional<EncodedImage> jpeg(byte[] data, boolean toRgb) {
        if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            return Optional.empty();
        }
        int p = 2;
        while (p + 3 < data.length) {
            if ((data[p] & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            int marker = data[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                return Optional.empty(); // image data before any frame header
            }
            int length = ((data[p + 2] & 0xFF) << 8) | (data[p + 3] & 0xFF);
            if (length < 2) {
                return Optional.empty();
            }
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (p + 9 >= data.length || length < 8) {
                    return Optional.empty();
                }
                int height = ((data[p + 5] & 0xFF) << 8) | (data[p + 6] & 0xFF);
                int width = ((data[p + 7] & 0xFF) << 8) | (data[p + 8] & 0xFF);
                int components = data[p + 9] & 0xFF;
                if (width == 0 || height == 0 || (components != 1 && components != 3 && components != 4)) {
                    return Optional.empty();
                }
                int channels = components == 1 && !toRgb ? 1 : 3;
                return Optional.of(new EncodedImage(data, width, height, channels, toRgb));
            }
            p += 2 + length;
        }
        return Optional.empty();
    }

    /** Rejects a decode at 1 / f whose size is not what the header implies. */
    void checkDecoded(int decodedWidth, int decodedHeight, int f) throws ImageDecodeException {
        int w = ReducedDecode.reducedSize(width, f);
        int h = ReducedDecode.reducedSize(height, f);
        if (decodedWidth != w || decodedHeight != h) {
            throw new ImageDecodeException("the JPEG header declares " + width + "x" + height + " but the image decodes to "
                    + decodedWidth + "x" + decodedHeight + (f == 1 ? "" : " at 1/" + f + " scale"));
        }
    }
}
