package org.easycv4j.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.image.ByteImage;
import org.junit.jupiter.api.Test;

/** torchvision's ColorJitter factor ranges, and the factors' effect on pixels worked out by hand. */
class ColorJitterTest {

    @Test
    void factorRangesAreTorchvisions() {
        ColorJitter.Settings s = ColorJitter.Settings.fromConfig(Fixtures.node("brightness = 0.3, contrast = 1.5, "
                + "saturation = [0.2, 0.4]"));
        assertArrayEquals(new double[] {0.7, 1.3}, s.brightness(), 1e-15);
        assertArrayEquals(new double[] {0, 2.5}, s.contrast(), 1e-15, "1 - v is floored at 0");
        assertArrayEquals(new double[] {0.2, 0.4}, s.saturation(), 0);
        assertNull(ColorJitter.Settings.fromConfig(Fixtures.node("brightness = 0")).brightness(), "0: no jitter");
        ConfigNode hue = Fixtures.node("hue = 0.1");
        ColorJitter.Settings.fromConfig(hue);
        assertTrue(hue.problems().list().toString().contains("hue jitter is not implemented"),
                hue.problems().list().toString());
    }

    @Test
    void brightnessScalesTowardsBlackByAFactorInItsRange() {
        ByteImage grey = new ByteImage(2, 1, 3, new byte[] {(byte) 200, (byte) 200, (byte) 200, 100, 100, 100});
        ColorJitter half = new ColorJitter(ColorJitter.Settings.fromConfig(Fixtures.node("brightness = [0.5, 0.5]")));
        ByteImage out = (ByteImage) half.apply(TransformsTest.sample(grey), new SplittableRandom(1), TransformsTest.JAVA)
                .image();
        assertArrayEquals(new byte[] {100, 100, 100, 50, 50, 50}, out.pixels());

        ColorJitter b = new ColorJitter(ColorJitter.Settings.fromConfig(Fixtures.node("brightness = 0.3")));
        SplittableRandom rng = new SplittableRandom(7);
        double sum = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            int v = ((ByteImage) b.apply(TransformsTest.sample(grey), rng, TransformsTest.JAVA).image()).pixels()[3] & 0xFF;
            assertTrue(v >= 70 && v <= 130, "100 x [0.7, 1.3]: " + v);
            sum += v;
        }
        // uniform factors: mean 100 (minus the truncation's half level), standard error 17 / sqrt(2000)
        assertEquals(99.5, sum / n, 1.5);
    }
}
