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
 */
public record LoaderSettings(int batchSize, int numWorkers, boolean shuffle, boolean dropLast, long seed, int rank,
        int worldSize) {

    public LoaderSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + worldSize + ")");
        }
    }
}
