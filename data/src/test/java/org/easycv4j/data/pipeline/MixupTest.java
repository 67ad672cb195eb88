package org.easycv4j.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MixupTest {

    static Mixup mixup(double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double smoothing) {
        return new Mixup(new Mixup.Settings(mixupAlpha, cutmixAlpha, prob, switchProb, smoothing, true, Optional.empty()), 5);
    }

    /** Image i is constant i + 1; two channels of 8x8. */
    static FloatBuffer batch(int n) {
        FloatBuffer b = FloatBuffer.allocate(n * 2 * 8 * 8);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 128; k++) {
                b.put(i * 128 + k, i + 1);
            }
        }
        return b;
    }

    @Test
    void mixupBlendsImagesAndTargetsWithTheSameLambda() {
        Mixup m = mixup(0.8, 0.0, 1.0, 0.5, 0.1);
        FloatBuffer images = batch(4);
        int[] labels = {0, 1, 2, 3};
        float[] targets = new float[4 * 5];
        Mixup.Draw d = m.apply(images, 4, 2, 8, 8, labels, targets, new SplittableRandom(7));
        assertFalse(d.cutmix());
        double lam = d.lambda();
        assertTrue(lam > 0 && lam < 1);
        // image 0 = lam * 1 + (1 - lam) * 4 everywhere
        assertEquals(lam * 1 + (1 - lam) * 4, images.get(5), 1e-5);
        assertEquals(lam * 4 + (1 - lam) * 1, images.get(3 * 128 + 5), 1e-5);
        assertEquals(lam * 2 + (1 - lam) * 3, images.get(128), 1e-5);
        // targets: off = 0.1 / 5 = 0.02, on = 0.92
        for (int i = 0; i < 4; i++) {
            double sum = 0;
            for (int k = 0; k < 5; k++) {
                sum += targets[i * 5 + k];
            }
            assertEquals(1.0, sum, 1e-5);
        }
        assertEquals(0.02 + lam * 0.9, targets[0], 1e-5);
        assertEquals(0.02 + (1 - lam) * 0.9, targets[3], 1e-5);
        assertEquals(0.02, targets[4], 1e-6);
    }

    @Test
    void cutmixSwapsABoxAndCorrectsLambdaToItsArea() {
        Mixup m = mixup(0.0, 1.0, 1.0, 0.5, 0.0);
        for (int seed = 0; seed < 50; seed++) {
            FloatBuffer images = batch(2);
            int[] labels = {1, 4};
            float[] targets = new float[10];
            Mixup.Draw d = m.apply(images, 2, 2, 8, 8, labels, targets, new SplittableRandom(seed));
            assertTrue(d.cutmix());
            int box = (d.y1() - d.y0()) * (d.x1() - d.x0());
            assertEquals(1.0 - box / 64.0, d.lambda(), 1e-9);
            int fromOther = 0;
            for (int k = 0; k < 128; k++) {
                if (images.get(k) == 2f) {
                    fromOther++;
                }
            }
            assertEquals(2 * box, fromOther);
            assertEquals(d.lambda(), targets[1], 1e-6);
            assertEquals(1 - d.lambda(), targets[4], 1e-6);
        }
    }

    @Test
    void probabilityZeroLeavesImagesAndGivesSmoothedOneHot() {
        Mixup m = mixup(0.8, 1.0, 0.0, 0.5, 0.1);
        FloatBuffer images = batch(3);
        float[] targets = new float[15];
        Mixup.Draw d = m.apply(images, 3, 2, 8, 8, new int[] {2, 0, 1}, targets, new SplittableRandom(1));
        assertEquals(1.0, d.lambda());
        assertEquals(1f, images.get(0));
        assertEquals(0.92f, targets[2], 1e-6f);
        assertEquals(0.02f, targets[0], 1e-6f);
    }

    @Test
    void switchProbabilityAndBetaMeanMatchTimm() {
        Mixup m = mixup(0.8, 1.0, 1.0, 0.5, 0.1);
        SplittableRandom rng = new SplittableRandom(3);
        int cut = 0;
        double mixLamSum = 0;
        int mixes = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            Mixup.Draw d = m.apply(batch(2), 2, 2, 8, 8, new int[] {0, 1}, new float[10], rng);
            if (d.cutmix()) {
                cut++;
            } else {
                mixLamSum += d.lambda();
                mixes++;
            }
        }
        assertEquals(0.5, cut / (double) n, 0.03);
        // Beta(0.8, 0.8) is symmetric: mean 0.5
        assertEquals(0.5, mixLamSum / mixes, 0.03);
        // variance of Beta(a, a) = 1 / (4 (2a + 1)) = 0.0962 for a = 0.8
        SplittableRandom r2 = new SplittableRandom(5);
        double s = 0;
        double sq = 0;
        for (int i = 0; i < 20000; i++) {
            double b = Mixup.beta(r2, 0.8);
            s += b;
            sq += b * b;
        }
        double mean = s / 20000;
        assertEquals(0.0962, sq / 20000 - mean * mean, 0.005);
    }
}
