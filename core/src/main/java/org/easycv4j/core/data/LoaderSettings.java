package org.easycv4j.core.data;

/**
 * How to batch a dataset.
 *
 * @param batchSize samples per batch on this rank (EasyCV's {@code imgs_per_gpu})
 * @param numWorkers decode / augmentation threads (EasyCV's {@code workers_per_gpu}); 0 decodes on the caller's thread
 * @param shuffle reshuffle every epoch with a seed derived from (seed, epoch)
 * @param dropLast drop the last incomplete batch
 * @param seed the run's seed
 * @param rank this process's shard
 * @param worldSize number of shards
 * @param evenShards true for training: every rank gets the same number of samples (the order is padded
 *     cyclically, or its tail dropped with {@code dropLast}, as torch's DistributedSampler does); false for evaluation: rank r gets the samples r, r + world
 *     size, ... of the order, so every sample is seen exactly once over all ranks
 */
public record LoaderSettings(int batchSize, int numWorkers, boolean shuffle, boolean dropLast, long seed, int rank,
        int worldSize, boolean evenShards) {

    /** Even shards (training). */
    public LoaderSettings(int batchSize, int numWorkers, boolean shuffle, boolean dropLast, long seed, int rank,
            int worldSize) {
        this(batchSize, numWorkers, shuffle, dropLast, seed, rank, worldSize, true);
    }

    /**
     * The number of samples of {@code rank}'s shard of a set of {@code n}: with even shards the order is padded
     * to a multiple of the world size, or its tail dropped with {@code dropLast} (DistributedSampler's rule).
     */
    public int shardSize(int n) {
        if (evenShards) {
            return dropLast ? n / worldSize : (n + worldSize - 1) / worldSize;
        }
        return Math.max(0, (n - rank + worldSize - 1) / worldSize);
    }

    public LoaderSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + worldSize + ")");
        }
    }
}
