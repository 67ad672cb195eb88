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
 * @param repeatedAugment EasyCV's {@code data.use_repeated_augment_sampler} (its RASampler, DeiT's repeated
 *     augmentation), for training: each index of the epoch's order repeated {@link #REPEATS} times in a row, dealt
 *     out over the ranks, each rank keeping as many as EasyCV's RASampler does ({@link #shardSize})
 */
public record LoaderSettings(int batchSize, int numWorkers, boolean shuffle, boolean dropLast, long seed, int rank,
        int worldSize, boolean evenShards, boolean repeatedAugment) {

    /** RASampler's {@code num_repeats} (EasyCV's build_dataloader leaves it at its default). */
    public static final int REPEATS = 3;

    /** RASampler keeps {@code floor(n / 256) * 256} samples per epoch over all ranks. */
    private static final int REPEATED_AUGMENT_UNIT = 256;

    /** Even shards (training). */
    public LoaderSettings(int batchSize, int numWorkers, boolean shuffle, boolean dropLast, long seed, int rank,
            int worldSize) {
        this(batchSize, numWorkers, shuffle, dropLast, seed, rank, worldSize, true);
    }

    /** Without repeated augmentation. */
    public LoaderSettings(int batchSize, int numWorkers, boolean shuffle, boolean dropLast, long seed, int rank,
            int worldSize, boolean evenShards) {
        this(batchSize, numWorkers, shuffle, dropLast, seed, rank, worldSize, evenShards, false);
    }

    /** These settings with repeated augmentation on or off. */
    public LoaderSettings withRepeatedAugment(boolean on) {
        return new LoaderSettings(batchSize, numWorkers, shuffle, dropLast, seed, rank, worldSize, evenShards, on);
    }

    /**
     * The number of samples of {@code rank}'s shard of a set of {@code n}: with even shards the order is padded
     * to a multiple of the world size, or its tail dropped with {@code dropLast} (DistributedSampler's rule).
     * With repeated augmentation, RASampler's {@code floor(floor(n / 256) * 256 / worldSize)} whatever
     * {@code dropLast} (which then only drops an incomplete batch): every rank sees the same count, and all
     * together about n per epoch although the order holds each sample three times.
     */
    public int shardSize(int n) {
        if (evenShards && repeatedAugment) {
            return (int) ((long) n / REPEATED_AUGMENT_UNIT * REPEATED_AUGMENT_UNIT / worldSize);
        }
        if (evenShards) {
            return dropLast ? n / worldSize : (n + worldSize - 1) / worldSize;
        }
        return Math.max(0, (n - rank + worldSize - 1) / worldSize);
    }

    /**
     * This rank's part of an epoch's order {@code perm} (a permutation of the set), {@link #shardSize} indices:
     * every world-size-th entry from {@code rank}, of the order padded cyclically; with repeated augmentation,
     * of the order with each entry repeated {@link #REPEATS} times in a row (torch.repeat_interleave, then
     * RASampler's padding and striding), so that the copies of one sample go to neighbouring ranks.
     */
    public int[] shard(int[] perm) {
        int n = perm.length;
        int[] mine = new int[shardSize(n)];
        if (evenShards && repeatedAugment) {
            long repeated = (long) n * REPEATS;
            for (int k = 0; k < mine.length; k++) {
                long p = (rank + (long) k * worldSize) % repeated;
                mine[k] = perm[(int) (p / REPEATS)];
            }
            return mine;
        }
        for (int k = 0; k < mine.length; k++) {
            mine[k] = perm[(int) ((rank + (long) k * worldSize) % n)];
        }
        return mine;
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
