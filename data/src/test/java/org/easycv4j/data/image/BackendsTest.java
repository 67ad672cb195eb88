package org.easycv4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.easycv4j.data.Fixtures;
import org.junit.jupiter.api.Test;

class BackendsTest {
    static final ImageBackend OPENCV = OpenCvBackend.tryLoad().orElseThrow(
            () -> new AssertionError("the OpenCV natives must load on linux-x86_64"));
    static final ImageBackend IMAGEIO = new ImageIoBackend();

    @Test
    void pngDecodesIdenticallyWithBothBackends() throws Exception {
        byte[] png = Fixtures.encode(Fixtures.gradient(13, 7, 40), "png");
        ByteImage a = OPENCV.decode(png, true);
        ByteImage b = IMAGEIO.decode(png, true);
        assertEquals(13, a.width());
        assertEquals(7, a.height());
        assertArrayEquals(a.pixels(), b.pixels());
        assertEquals(45, a.get(5, 3, 0)); // r = 40 + x
        assertEquals(3, a.get(5, 3, 1)); // g = y
        assertEquals(8, a.get(5, 3, 2)); // b = x + y
    }

    @Test
    void jpegDecodesClosely() throws Exception {
        byte[] jpg = Fixtures.encode(Fixtures.gradient(64, 48, 0), "jpg");
        ByteImage a = OPENCV.decode(jpg, true);
        ByteImage b = IMAGEIO.decode(jpg, true);
        double diff = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            diff += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
        }
        assertTrue(diff / a.pixels().length < 2.0, "mean abs difference " + diff / a.pixels().length);
    }

    @Test
    void greyStaysOneChannelUnlessToRgb() throws Exception {
        BufferedImage g = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(2, 1, 0, 77);
        byte[] png = Fixtures.encode(g, "png");
        for (ImageBackend be : List.of(OPENCV, IMAGEIO)) {
            ByteImage one = be.decode(png, false);
            assertEquals(1, one.channels(), be.name());
            assertEquals(77, one.get(2, 1, 0));
            ByteImage three = be.decode(png, true);
            assertEquals(3, three.channels(), be.name());
            assertEquals(77, three.get(2, 1, 2));
        }
    }

    @Test
    void garbageIsRejectedByBoth() {
        byte[] junk = "definitely not an image".getBytes(StandardCharsets.UTF_8);
        for (ImageBackend be : List.of(OPENCV, IMAGEIO)) {
            assertThrows(ImageDecodeException.class, () -> be.decode(junk, true), be.name());
            assertThrows(ImageDecodeException.class, () -> be.decode(new byte[0], true), be.name());
        }
    }

    @Test
    void openCvAndJavaResizeAgreeOnSmoothImages() throws Exception {
        ByteImage img = IMAGEIO.decode(Fixtures.encode(Fixtures.gradient(60, 50, 0), "png"), true);
        for (Interpolation i : List.of(Interpolation.BILINEAR, Interpolation.BICUBIC)) {
            ByteImage a = OPENCV.resize(img, 5, 4, 40, 30, 48, 36, i);
            ByteImage b = IMAGEIO.resize(img, 5, 4, 40, 30, 48, 36, i);
            assertEquals(48, a.width());
            assertEquals(36, a.height());
            double diff = 0;
            for (int k = 0; k < a.pixels().length; k++) {
                diff += Math.abs((a.pixels()[k] & 0xFF) - (b.pixels()[k] & 0xFF));
            }
            assertTrue(diff / a.pixels().length < 1.5, i + ": mean abs difference " + diff / a.pixels().length);
        }
        assertEquals("opencv", ImageBackends.create(ImageBackends.Decoder.AUTO).name());
        assertEquals("imageio", ImageBackends.create(ImageBackends.Decoder.IMAGEIO).name());
        assertEquals("opencv", ImageBackends.create(ImageBackends.Decoder.OPENCV).name());
    }
}
