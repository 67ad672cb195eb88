package org.easycv4j.core.util;

import java.util.SplittableRandom;

/**
 * Structured synthetic images: per channel, the sum of three random 2-D sinusoids (frequency 1-4 periods per
 * side in x and y, random phase, amplitude 0.3-1.3). Smooth and predictable from neighbours, which is what MAE
 * learns; the benchmarks' data (the PyTorch twin draws the same kind) and the models' training tests use it.
 */
public final class Sinusoids {
    private Sinusoids() {}

    /** {@code count} images of {@code channels × size × size} floats (CHW), a function of {@code seed}. */
    public static float[][] images(int count, int channels, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[count][channels * size * size];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < channels; c++) {
                for (int k = 0; k < 3; k++) {
                    double fx = (1 + r.nextInt(4)) * 2 * Math.PI / size;
                    double fy = (1 + r.nextInt(4)) * 2 * Math.PI / size;
                    double ph = r.nextDouble() * 2 * Math.PI;
                    double amp = 0.3 + r.nextDouble();
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            out[i][(c * size + y) * size + x] += (float) (amp * Math.sin(fx * x + fy * y + ph));
                        }
                    }
                }
            }
        }
        return out;
    }
}
