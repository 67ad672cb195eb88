package org.easycv4j.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.junit.jupiter.api.Test;

/** EasyCV's MMRandomErasing: the rectangle's size and place as mmcls draws them, its fills, the keys. */
class MmRandomErasingTest {

    private static MmRandomErasing erasing(String hocon) {
        ConfigNode n = Fixtures.node(hocon);
        MmRandomErasing.Settings s = MmRandomErasing.Settings.fromConfig(n);
        assertTrue(n.problems().isEmpty(), n.problems().list().toString());
        return new MmRandomErasing(s);
    }

    private static ByteImage erase(MmRandomErasing e, ByteImage img, SplittableRandom rng) {
        return (ByteImage) e.apply(new Sample(0, img, 3, "t"), rng, TransformsTest.JAVA).image();
    }

    @Test
    void aQuarterSquareOfConstantFillNeverAtTheLastPosition() {
        // area 0.25 of 10 x 10 with aspect 1: a 5 x 5 square; numpy's randint(0, 5) puts it at 0..4
        MmRandomErasing e = erasing("erase_prob = 1.0, min_area_ratio = 0.25, max_area_ratio = 0.25, "
                + "aspect_range = [1.0, 1.0], fill_color = [10.9, 20, 300]");
        ByteImage img = new ByteImage(10, 10, 3, new byte[300]);
        SplittableRandom rng = new SplittableRandom(5);
        boolean[] topSeen = new boolean[10];
        for (int i = 0; i < 300; i++) {
            byte[] p = erase(e, img, rng).pixels();
            int filled = 0;
            int top = 10;
            for (int at = 0; at < 100; at++) {
                if (p[at * 3] != 0) {
                    filled++;
                    top = Math.min(top, at / 10);
                    // uint8 casts: 10.9 truncates to 10, 300 wraps to 44
                    assertArrayEquals(new byte[] {10, 20, 44}, new byte[] {p[at * 3], p[at * 3 + 1], p[at * 3 + 2]});
                }
            }
            assertEquals(25, filled);
            topSeen[top] = true;
        }
        assertArrayEquals(new boolean[] {true, true, true, true, true, false, false, false, false, false}, topSeen);
    }

    @Test
    void theProbabilityGatesAndRandomFillsStayInRange() {
        ByteImage img = new ByteImage(8, 8, 3, new byte[192]);
        Sample s = new Sample(0, img, 3, "t");
        assertSame(s, erasing("erase_prob = 0.0").apply(s, new SplittableRandom(1), TransformsTest.JAVA));
        MmRandomErasing normal = erasing("erase_prob = 1.0, mode = rand, min_area_ratio = 1.0, max_area_ratio = 1.0, "
                + "aspect_range = [1.0, 1.0], fill_color = [250, 100, 5], fill_std = [30, 1, 30]");
        byte[] p = erase(normal, img, new SplittableRandom(2)).pixels();
        double green = 0;
        for (int at = 0; at < 64; at++) {
            green += p[at * 3 + 1] & 0xFF;
        }
        assertEquals(99.5, green / 64, 0.5, "normal(100, 1) truncated: mean 99.5");
        ConfigNode bad = Fixtures.node("min_area_ratio = 0.5, max_area_ratio = 0.1, mode = blur");
        MmRandomErasing.Settings.fromConfig(bad);
        assertEquals(2, bad.problems().list().size(), bad.problems().list().toString());
    }
}
