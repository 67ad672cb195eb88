package org.easycv4j.data.dataset;

import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.data.sample.Seeds;
import org.easycv4j.data.source.StreamedSource;

/**
 * Which dataset indices a rank visits in an epoch, and how many batches that makes. The epoch's permutation is
 * a function of (seed, epoch) only; for training it is padded cyclically to a multiple of the world size (or cut
 * to one with drop_last) and rank r takes every world-size-th index from r (torch's DistributedSampler), so
 * every rank sees as many samples and the ranks together cover the dataset. Evaluation shards are not padded:
 * every sample is seen exactly once over all ranks. With {@code data.use_repeated_augment_sampler} the
 * permutation's entries are repeated three times in a row before the ranks take theirs (EasyCV's RASampler,
 * {@link LoaderSettings#shard}); still a function of (seed, epoch), so resuming mid-epoch and any number of
 * ranks see the same global order.
 */
public final class EpochOrder {
    private final int size;
    private final LoaderSettings settings;
    private final int perRank;
    private final int batches;
    private final StreamedSource streamed;

    /**
     * @param size the dataset's number of samples
     * @param name the dataset's name, for messages
     * @throws IllegalArgumentException when there are no samples, or {@code drop_last} leaves no batch
     */
    public EpochOrder(int size, LoaderSettings settings, String name) {
        this(size, settings, name, null);
    }

    /** The order a streamed source decides itself (tar shards: {@link StreamedSource#indices}). */
    public EpochOrder(StreamedSource source, LoaderSettings settings, String name) {
        this(source.size(), settings, name, source);
    }

    private EpochOrder(int size, LoaderSettings settings, String name, StreamedSource streamed) {
        if (size == 0) {
            throw new IllegalArgumentException(name + ": the data source has no samples");
        }
        if (streamed != null && settings.repeatedAugment() && settings.evenShards()) {
            // Tar shards decide their own order, stream by stream; RASampler's global interleave does not apply.
            throw new IllegalArgumentException(name + ": data.use_repeated_augment_sampler = true needs an indexed "
                    + "data source, not streamed tar shards; set it false");
        }
        this.size = size;
        this.settings = settings;
        this.streamed = streamed;
        this.perRank = streamed != null ? streamed.samplesPerRank(settings) : settings.shardSize(size);
        this.batches = settings.dropLast() ? perRank / settings.batchSize()
                : (perRank + settings.batchSize() - 1) / settings.batchSize();
        if (perRank == 0 && settings.repeatedAugment() && settings.evenShards()) {
            throw new IllegalArgumentException(name + ": data.use_repeated_augment_sampler = true keeps floor(" + size
                    + " / 256) * 256 / " + settings.worldSize() + " = 0 samples per rank (EasyCV's RASampler); "
                    + "use a training set of at least 256 samples or set it false");
        }
        if (batches == 0 && settings.evenShards()) {
            throw new IllegalArgumentException(name + ": " + perRank + " samples per rank make no full batch of "
                    + settings.batchSize() + " with drop_last; lower the batch size or set drop_last = false");
        }
    }

    /** Samples this rank visits per epoch (before {@code drop_last}). */
    public int samplesPerRank() {
        return perRank;
    }

    /** Batches per epoch on this rank. */
    public int batches() {
        return batches;
    }

    /** The dataset indices this rank visits in {@code epoch}, in order. */
    public int[] indices(int epoch) {
        if (streamed != null) {
            return streamed.indices(epoch, settings);
        }
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        if (settings.shuffle()) {
            Seeds.shuffle(perm, Seeds.forOrder(settings.seed(), epoch));
        }
        return settings.shard(perm);
    }
}
