package org.easycv4j.core.runner;

/**
 * The engine seeds of a run: model initialization, and every training batch of every rank, so that a run resumed at
 * any batch draws exactly what the uninterrupted run drew.
 */
final class RunSeeds {
    private RunSeeds() {}

    /** Separates the ranks' random streams (an odd 64-bit constant). */
    static final long RANK_STEP = 0x632BE59BD9B4E019L;

    /** The engine seed of an epoch (-1: model initialization). */
    static int epoch(long seed, int epoch) {
        long h = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }

    /** The engine seed of batch {@code batch} of {@code epoch}: SplitMix64's finalizer over the three. */
    static int iteration(long seed, int epoch, int batch) {
        long h = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xC2B2AE3D27D4EB4FL + (batch + 1) * 0x165667B19E3779F9L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }
}
