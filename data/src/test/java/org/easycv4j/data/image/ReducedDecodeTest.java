package org.easycv4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.easycv4j.data.Fixtures;
import org.junit.jupiter.api.Test;

public class ReducedDecodeTest {
    static final ImageBackend OPENCV = BackendsTest.OPENCV;
    static final ImageBackend IMAGEIO = BackendsTest.IMAGEIO;

    /** Smooth colour waves (periods of 90 to 300 px), the kind of content a photo's crop mostly is. */
    static BufferedImage waves(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (int) (128 + 100 * Math.sin(x / 30.0) * Math.cos(y / 45.0));
                int g = (int) (128 + 90 * Math.sin((x + y) / 50.0));
                int b = (int) (128 + 80 * Math.cos(x / 15.0 - y / 40.0));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    static EncodedImage jpeg(BufferedImage img, boolean toRgb) {
        return EncodedImage.jpeg(Fixtures.encode(img, "jpg"), toRgb).orElseThrow();
    }

    @Test
    void factorIsTheLargestThatKeepsTheCropAtLeastTheOutputSize() {
        assertEquals(1, ReducedDecode.factor(447, 500, 224, 224));
        assertEquals(1, ReducedDecode.factor(500, 447, 224, 224));
        assertEquals(2, ReducedDecode.factor(448, 448, 224, 224));
        assertEquals(2, ReducedDecode.factor(895, 1000, 224, 224));
        assertEquals(4, ReducedDecode.factor(896, 896, 224, 224));
        assertEquals(8, ReducedDecode.factor(1792, 1800, 224, 224));
        assertEquals(8, ReducedDecode.factor(6000, 4000, 224, 224));
        assertEquals(4, ReducedDecode.factor(640, 480, 160, 100)); // 480 / 8 < 100
        assertEquals(1, ReducedDecode.factor(224, 224, 224, 224));
    }

    @Test
    void regionMapsTheCropToTheReducedGridRoundingEdgesToNearest() {
        assertArrayEquals(new int[] {3, 5, 450, 460}, ReducedDecode.region(3, 5, 450, 460, 500, 470, 1));
        // x: 3/2 = 1.5 -> 2, (3+450)/2 = 226.5 -> 227; y: 5/2 = 2.5 -> 3, (5+460)/2 = 232.5 -> 233
        assertArrayEquals(new int[] {2, 3, 225, 230}, ReducedDecode.region(3, 5, 450, 460, 500, 470, 2));
        // x: 10/4 = 2.5 -> 3, 1010/4 = 252.5 -> 253; y: 1/4 -> 0, (1+999)/4 = 250
        assertArrayEquals(new int[] {3, 0, 250, 250}, ReducedDecode.region(10, 1, 1000, 999, 1011, 1001, 4));
        // x, y: 5/8 -> 1; 1001/8 = 125.1 -> 125 (the reduced picture has ceil(1001 / 8) = 126 columns)
        assertArrayEquals(new int[] {1, 1, 124, 124}, ReducedDecode.region(5, 5, 996, 996, 1001, 1001, 8));
        // 1004/8 = 125.5 -> 126, the last reduced column
        assertArrayEquals(new int[] {0, 0, 126, 126}, ReducedDecode.region(0, 0, 1004, 1004, 1004, 1004, 8));
        assertEquals(126, ReducedDecode.reducedSize(1001, 8));
        assertEquals(125, ReducedDecode.reducedSize(1000, 8));
    }

    @Test
    void jpegHeaderGivesTheDecodedSizeAndChannels() {
        EncodedImage colour = jpeg(waves(37, 23), true);
        assertEquals(37, colour.width());
        assertEquals(23, colour.height());
        assertEquals(3, colour.channels());
        BufferedImage g = new BufferedImage(19, 11, BufferedImage.TYPE_BYTE_GRAY);
        assertEquals(1, jpeg(g, false).channels());
        assertEquals(3, jpeg(g, true).channels());
        assertFalse(EncodedImage.jpeg(Fixtures.encode(waves(8, 8), "png"), true).isPresent());
        assertFalse(EncodedImage.jpeg("not a jpeg".getBytes(java.nio.charset.StandardCharsets.UTF_8), true).isPresent());
        byte[] data = colour.data();
        // cut inside the header: no frame marker to read
        assertFalse(EncodedImage.jpeg(Arrays.copyOf(data, 30), true).isPresent());
    }

    @Test
    void fullScaleDecodeResizedEqualsDecodeThenResizeExactly() throws Exception {
        EncodedImage colour = jpeg(waves(300, 220), true);
        BufferedImage grey = new BufferedImage(120, 90, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setDataElements(0, 0, 120, 90, greyPixels(120, 90));
        EncodedImage one = jpeg(grey, false);
        for (ImageBackend be : List.of(OPENCV, IMAGEIO)) {
            for (Interpolation in : Interpolation.values()) {
                int[][] crops = {{0, 0, 300, 220}, {17, 9, 151, 120}, {250, 200, 50, 20}, {1, 2, 299, 218}};
                for (int[] c : crops) {
                    ByteImage ref = be.resize(be.decode(colour.data(), true), c[0], c[1], c[2], c[3], 64, 48, in);
                    ByteImage got = be.decodeResized(colour, c[0], c[1], c[2], c[3], 64, 48, in, false);
                    assertArrayEquals(ref.pixels(), got.pixels(), be.name() + " " + in + " " + Arrays.toString(c));
                    // with reduction allowed but none possible (crop < 2x output) the path is the same
                    got = be.decodeResized(colour, c[0], c[1], c[2], c[3], 160, 120, in, true);
                    ref = be.resize(be.decode(colour.data(), true), c[0], c[1], c[2], c[3], 160, 120, in);
                    assertArrayEquals(ref.pixels(), got.pixels(), be.name() + " " + in + " " + Arrays.toString(c));
                }
                ByteImage ref = be.resize(be.decode(one.data(), false), 5, 7, 100, 80, 40, 30, in);
                ByteImage got = be.decodeResized(one, 5, 7, 100, 80, 40, 30, in, false);
                assertEquals(1, got.channels());
                assertArrayEquals(ref.pixels(), got.pixels(), be.name() + " grey " + in);
            }
        }
    }

    static byte[] greyPixels(int w, int h) {
        byte[] p = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                p[y * w + x] = (byte) (128 + 100 * Math.sin(x / 20.0 + y / 35.0));
            }
        }
        return p;
    }

    /**
     * At 1/f scale the crop's edges snap to the nearest reduced pixel, so the result is that of the full-scale
     * path for the snapped crop (f times the reduced region), up to the filter that does the reduction:
     * libjpeg's scaled inverse DCT (the 8x8 block's low frequencies) then OpenCV's bicubic for the remaining
     * factor below 2, instead of OpenCV's area average (or bicubic) over the full-scale pixels. On smooth
     * content that differs by well under one grey level on average; the bound on the largest difference
     * allows for the filters' different response near 8x8 block edges. Without the snapping (a crop already
     * on the grid) the two paths agree to the same bounds.
     */
    @Test
    void reducedDecodeEqualsTheFullDecodeOfTheSnappedCropUpToTheReductionFilter() throws Exception {
        EncodedImage big = jpeg(waves(1904, 1848), true);
        int[][] crops = {{3, 5, 450, 460}, {4, 6, 450, 460}, {101, 37, 1000, 950}, {0, 0, 1904, 1848},
            {250, 300, 1200, 1500}, {1, 1, 1795, 1800}};
        int[] factors = {2, 2, 4, 8, 4, 8};
        for (int k = 0; k < crops.length; k++) {
            int[] c = crops[k];
            int f = ReducedDecode.factor(c[2], c[3], 224, 224);
            assertEquals(factors[k], f);
            int[] r = ReducedDecode.region(c[0], c[1], c[2], c[3], big.width(), big.height(), f);
            ByteImage snappedFull = OPENCV.decodeResized(big, f * r[0], f * r[1], f * r[2], f * r[3], 224, 224,
                    Interpolation.BICUBIC, false);
            ByteImage reduced = OPENCV.decodeResized(big, c[0], c[1], c[2], c[3], 224, 224, Interpolation.BICUBIC, true);
            assertEquals(224, reduced.width());
            assertEquals(224, reduced.height());
            double sum = 0;
            int max = 0;
            for (int i = 0; i < reduced.pixels().length; i++) {
                int d = Math.abs((snappedFull.pixels()[i] & 0xFF) - (reduced.pixels()[i] & 0xFF));
                sum += d;
                max = Math.max(max, d);
            }
            double mean = sum / reduced.pixels().length;
            assertTrue(mean < 1.0 && max <= 8, "crop " + Arrays.toString(c) + ": mean " + mean + ", max " + max);
            assertFalse(Arrays.equals(snappedFull.pixels(), reduced.pixels()), "the reduced path must really run");
            // deterministic: the same call gives the same bytes
            assertArrayEquals(reduced.pixels(), OPENCV.decodeResized(big, c[0], c[1], c[2], c[3], 224, 224,
                    Interpolation.BICUBIC, true).pixels());
        }
    }

    @Test
    void aHeaderThatDisagreesWithTheDataAndACorruptBodyAreDecodeErrors() throws Exception {
        EncodedImage real = jpeg(waves(40, 30), true);
        EncodedImage lying = new EncodedImage(real.data(), 41, 30, 3, true);
        for (ImageBackend be : List.of(OPENCV, IMAGEIO)) {
            ImageDecodeException e = assertThrows(ImageDecodeException.class,
                    () -> be.decodeResized(lying, 0, 0, 41, 30, 8, 8, Interpolation.BILINEAR, false), be.name());
            assertTrue(e.getMessage().contains("declares 41x30 but the image decodes to 40x30"), e.getMessage());
        }
        EncodedImage headless = EncodedImage.jpeg(noScan(real.data()), true).orElseThrow();
        for (ImageBackend be : List.of(OPENCV, IMAGEIO)) {
            // right after a good picture of the same size on this thread: nothing of it may be taken for this one
            be.decodeResized(real, 0, 0, 40, 30, 8, 8, Interpolation.BILINEAR, false);
            assertThrows(ImageDecodeException.class,
                    () -> be.decodeResized(headless, 0, 0, 40, 30, 8, 8, Interpolation.BILINEAR, false), be.name());
        }
    }

    /** The JPEG cut right after its frame header and closed with an end marker: a header, but no image data. */
    public static byte[] noScan(byte[] jpeg) {
        int p = 2;
        while (true) {
            int marker = jpeg[p + 1] & 0xFF;
            int length = ((jpeg[p + 2] & 0xFF) << 8) | (jpeg[p + 3] & 0xFF);
            p += 2 + length;
            if (marker == 0xC0) {
                byte[] out = Arrays.copyOf(jpeg, p + 2);
                out[p] = (byte) 0xFF;
                out[p + 1] = (byte) 0xD9;
                return out;
            }
        }
    }

    @Test
    void mirrorIsTheSameInNativeAndJava() {
        byte[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
        ByteImage rgb = new ByteImage(3, 2, 3, px);
        byte[] want = {7, 8, 9, 4, 5, 6, 1, 2, 3, 16, 17, 18, 13, 14, 15, 10, 11, 12};
        ByteImage grey = new ByteImage(6, 3, 1, px);
        byte[] wantGrey = {6, 5, 4, 3, 2, 1, 12, 11, 10, 9, 8, 7, 18, 17, 16, 15, 14, 13};
        for (ImageBackend be : List.of(OPENCV, IMAGEIO)) {
            assertArrayEquals(want, be.mirror(rgb).pixels(), be.name());
            assertArrayEquals(wantGrey, be.mirror(grey).pixels(), be.name());
            assertEquals(1, be.mirror(grey).channels());
        }
    }
}
