package org.easycv4j.data.sample;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from (global seed, epoch, index) so that every random decision is a
 * pure function of those numbers: results do not depend on the number of workers or on thread timing.
 */
public final class Seeds {
    private Seeds() {}

    private static final long SAMPLE_STREAM = 0x5A4D504C45L;
    private static final long BATCH_STREAM = 0x4241544348L;
    private static final long ORDER_STREAM = 0x4F52444552L;
    private static final long WINDOW_STREAM = 0x57494E444F57L;

    /** The stream of random transforms of one sample in one epoch. */
    public static SplittableRandom forSample(long seed, int epoch, long index) {
        return new SplittableRandom(mix(mix(mix(seed, SAMPLE_STREAM), epoch), index));
    }

    /** The stream of batch-level transforms (Mixup / CutMix) of one batch in one epoch. */
    public static SplittableRandom forBatch(long seed, int epoch, long batch) {
        return new SplittableRandom(mix(mix(mix(seed, BATCH_STREAM), epoch), batch));
    }

    /** The stream that shuffles one epoch. */
    public static SplittableRandom forOrder(long seed, int epoch) {
        return new SplittableRandom(mix(mix(seed, ORDER_STREAM), epoch));
    }

    /** The stream that shuffles one window (shuffle buffer) of one shard stream in one epoch. */
    public static SplittableRandom forWindow(long seed, int epoch, int stream, int window) {
        return new SplittableRandom(mix(mix(mix(mix(seed, WINDOW_STREAM), epoch), stream), window));
    }

    /** Shuffles {@code a} in place (Fisher-Yates, from the end): the one shuffle every epoch order uses. */
    public static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** SplitMix64's finaliser over a combination of two values. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
