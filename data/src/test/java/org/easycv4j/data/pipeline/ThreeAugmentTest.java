package org.easycv4j.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.pipeline.MmAutoAugment.Op;
import org.easycv4j.data.pipeline.MmAutoAugment.OpType;
import org.easycv4j.data.sample.Sample;
import org.junit.jupiter.api.Test;

/**
 * DeiT III's ThreeAugment: MMAutoAugment with custom policies of EasyCV's PILGaussianBlur, Solarization and
 * Grayscale. Blur values are Pillow 9.4's ({@code img.filter(ImageFilter.GaussianBlur(r))} on the image below);
 * the others by hand.
 */
class ThreeAugmentTest {
    private static final String THREE_AUGMENT = "policies = [[{type = PILGaussianBlur, prob = 1.0, radius_min = 0.1, "
            + "radius_max = 2.0}], [{type = Solarization, threshold = 128}], [{type = Grayscale, "
            + "num_output_channels = 3}]]";

    private static ByteImage image(int w, int h, int c, int... values) {
        byte[] p = new byte[values.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) values[i];
        }
        return new ByteImage(w, h, c, p);
    }

    private static int[] ints(ByteImage img) {
        int[] out = new int[img.pixels().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = img.pixels()[i] & 0xFF;
        }
        return out;
    }

    /** 7 x 5 RGB: pixel (x, y) = ((37x + 11y) % 256, (13x² + 29y + 7) % 256, (255 - 31x - 17y) mod 256). */
    private static ByteImage rgb() {
        int w = 7;
        int h = 5;
        int[] v = new int[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                v[i] = (x * 37 + y * 11) % 256;
                v[i + 1] = (x * x * 13 + y * 29 + 7) % 256;
                v[i + 2] = Math.floorMod(255 - x * 31 - y * 17, 256);
            }
        }
        return image(w, h, 3, v);
    }

    @Test
    void gaussianBlurIsPillowsOnAColourImage() {
        assertArrayEquals(new int[] {12, 16, 245, 40, 32, 221, 77, 71, 190, 114, 131, 159, 151, 175, 128, 188, 133,
            97, 216, 194, 73, 20, 39, 231, 48, 55, 207, 85, 94, 176, 122, 146, 145, 159, 171, 114, 196, 140, 83, 224,
            181, 59, 31, 68, 214, 59, 84, 190, 96, 118, 159, 133, 148, 128, 170, 98, 97, 206, 111, 66, 232, 82, 42, 42,
            97, 197, 70, 113, 173, 107, 147, 142, 144, 168, 111, 181, 98, 80, 209, 123, 49, 208, 74, 25, 50, 120, 183,
            78, 136, 159, 115, 170, 128, 152, 191, 97, 187, 119, 66, 188, 145, 35, 95, 94, 11},
            ints(ImageOps.gaussianBlur(rgb(), 0.7)));
        assertArrayEquals(new int[] {51, 65, 205, 67, 79, 191, 91, 95, 170, 121, 115, 144, 151, 132, 118, 175, 142,
            97, 189, 148, 83, 55, 75, 198, 71, 87, 184, 94, 102, 163, 124, 118, 137, 152, 130, 111, 174, 137, 90, 187,
            140, 76, 61, 90, 189, 77, 100, 175, 100, 111, 154, 127, 122, 128, 152, 129, 102, 170, 130, 81, 181, 130, 67,
            67, 105, 180, 83, 113, 166, 105, 121, 145, 130, 127, 119, 151, 128, 93, 166, 124, 72, 174, 120, 58, 71, 115,
            173, 87, 122, 159, 108, 127, 138, 132, 130, 112, 150, 128, 86, 162, 121, 65, 167, 115, 51},
            ints(ImageOps.gaussianBlur(rgb(), 2.0)));
        // radius_min 0.1: a box fraction of 0.0017, too small to move any 8-bit value (Pillow returns the input)
        assertArrayEquals(ints(rgb()), ints(ImageOps.gaussianBlur(rgb(), 0.1)));
    }

    /**
     * Radius 1 on an impulse of 255, by hand: sigma² = 1/3, box length sqrt(5), l = 0, a = (0 - 1) / (6 (1/3 - 1))
     * = 1/4, so each pass is the kernel [1/4, 1, 1/4] / 1.5 = [1/6, 2/3, 1/6]. Rounding every pass:
     * 255 -> [43, 170, 43] -> [7, 57, 128, 57, 7] -> [1, 14, 60, 103, 60, 14, 1], as Pillow prints.
     */
    @Test
    void gaussianBlurOfAnImpulseByHand() {
        assertEquals(0.25, ImageOps.boxRadius(1.0, 3), 1e-6);
        ByteImage impulse = image(9, 1, 1, 0, 0, 0, 0, 255, 0, 0, 0, 0);
        assertArrayEquals(new int[] {0, 1, 14, 60, 103, 60, 14, 1, 0}, ints(ImageOps.gaussianBlur(impulse, 1.0)));
        // and a grey ramp with repeated edges, Pillow's values
        ByteImage ramp = image(9, 1, 1, 0, 1, 50, 100, 127, 128, 129, 200, 255);
        assertArrayEquals(new int[] {13, 29, 55, 85, 111, 135, 162, 191, 212}, ints(ImageOps.gaussianBlur(ramp, 1.5)));
        ByteImage flat = image(3, 4, 3, new int[36]);
        assertArrayEquals(new int[36], ints(ImageOps.gaussianBlur(flat, 2.0)));
    }

    /** Solarization at 128: 127 stays, 128 becomes 127, 255 becomes 0; a fractional threshold keeps up to its floor. */
    @Test
    void solarizationInvertsFromTheThreshold() {
        MmAutoAugment a = new MmAutoAugment(settings(THREE_AUGMENT));
        ByteImage img = image(6, 1, 1, 0, 100, 127, 128, 200, 255);
        assertArrayEquals(new int[] {0, 100, 127, 127, 55, 0},
                ints(a.apply(new Op(OpType.SOLARIZATION, 1.0, 128), img, MmAutoAugmentTest.draws(0.9))));
        assertArrayEquals(new int[] {0, 100, 127, 128, 55, 0},
                ints(a.apply(new Op(OpType.SOLARIZATION, 1.0, 128.5), img, MmAutoAugmentTest.draws(0.9))));
    }

    /**
     * PIL's L: (19595 R + 38470 G + 7471 B + 2^15) >> 16. (255, 0, 0) -> 76.2 -> 76; (0, 255, 0) -> 149.7 -> 150;
     * (0, 0, 255) -> 29.07 -> 29; (10, 20, 30) -> 18.15 -> 18; the rgb() image as Pillow's convert("L").
     */
    @Test
    void grayscaleIsPilsLConversion() {
        ByteImage img = image(4, 1, 3, 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30);
        ByteImage three = ImageOps.grayscale(img, 3);
        assertArrayEquals(new int[] {76, 76, 76, 150, 150, 150, 29, 29, 29, 18, 18, 18}, ints(three));
        assertArrayEquals(new int[] {33, 48, 79, 124, 185, 111, 203, 52, 67, 97, 143, 204, 130, 221, 70, 85, 116,
            161, 72, 148, 89, 88, 103, 134, 180, 90, 166, 108, 107, 122, 152, 198, 109, 185, 49},
            ints(ImageOps.grayscale(rgb(), 1)));
    }

    private static MmAutoAugment.Settings settings(String hocon) {
        ConfigNode n = Fixtures.node(hocon);
        MmAutoAugment.Settings s = n.parse(MmAutoAugment.Settings::fromConfig);
        assertTrue(n.problems().isEmpty(), n.problems().list().toString());
        return s;
    }

    /** DeiT III's three sub-policies; one is drawn per image, then blur's gate and radius. */
    @Test
    void theThreeAugmentConfigBuildsItsThreeSubPolicies() {
        MmAutoAugment.Settings s = settings(THREE_AUGMENT);
        assertEquals(List.of(List.of(new Op(OpType.GAUSSIAN_BLUR, 1.0, 0.1, 2.0)),
                List.of(new Op(OpType.SOLARIZATION, 1.0, 128)), List.of(new Op(OpType.GRAYSCALE, 1.0, 3))),
                s.policies());
        // EasyCV's defaults: prob 0.1, radius 0.1 to 2, Grayscale one channel.
        assertEquals(List.of(List.of(new Op(OpType.GAUSSIAN_BLUR, 0.1, 0.1, 2.0), new Op(OpType.GRAYSCALE, 1.0, 1))),
                settings("policies = [[{type = PILGaussianBlur}, {type = Grayscale}]]").policies());

        MmAutoAugment a = new MmAutoAugment(s);
        ByteImage img = rgb();
        // Draws: the sub-policy (nextInt(3), scripted to 2: Grayscale), then its gate.
        Sample grey = a.apply(TransformsTest.sample(img), new ScriptedInts(2, 0.0), TransformsTest.JAVA);
        assertArrayEquals(ints(ImageOps.grayscale(img, 3)), ints((ByteImage) grey.image()));
        // Blur: gate 0.3 <= 1 passes, the radius draw 0.5 gives 0.1 + 1.9 * 0.5 = 1.05.
        Op blur = s.policies().get(0).get(0);
        assertArrayEquals(ints(ImageOps.gaussianBlur(img, 1.05)),
                ints(a.apply(blur, img, MmAutoAugmentTest.draws(0.3, 0.5))));
        Op rarely = new Op(OpType.GAUSSIAN_BLUR, 0.1, 0.1, 2.0);
        assertSame(img, a.apply(rarely, img, MmAutoAugmentTest.draws(0.5)), "gate 0.5 > prob 0.1: not applied");
    }

    @Test
    void badOperationsAreNamedWithTheirPath() {
        ConfigNode n = Fixtures.node("policies = [[{type = Solarization, threshold = 128}], "
                + "[{type = Grayscale, num_output_channels = 2}], [{type = PILGausianBlur}]]");
        n.parse(MmAutoAugment.Settings::fromConfig);
        String all = n.problems().list().toString();
        assertEquals(2, n.problems().list().size(), all);
        assertTrue(all.contains("policies[1][0].num_output_channels") && all.contains("expected 1 or 3"), all);
        assertTrue(all.contains("policies[2][0].type") && all.contains("did you mean \"PILGaussianBlur\""), all);
        ConfigNode empty = Fixtures.node("policies = [[]]");
        empty.parse(MmAutoAugment.Settings::fromConfig);
        assertEquals(1, empty.problems().list().size(), empty.problems().list().toString());
    }

    /** nextInt(bound) returns the given index; nextDouble the given values in turn. */
    private static final class ScriptedInts implements java.util.random.RandomGenerator {
        private final int index;
        private final double[] doubles;
        private int k;

        ScriptedInts(int index, double... doubles) {
            this.index = index;
            this.doubles = doubles;
        }

        @Override
        public int nextInt(int bound) {
            return index;
        }

        @Override
        public double nextDouble() {
            return doubles[k++];
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }
    }
}
