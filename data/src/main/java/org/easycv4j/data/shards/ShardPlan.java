package org.easycv4j.data.shards;

import java.util.Arrays;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.data.sample.Seeds;

/**
 * The order of one epoch over tar shards, a function of (seed, epoch) and of the stream count, never of the world
 * size or the number of loader workers:
 * <ol>
 *   <li>the shards are shuffled, and their samples laid end to end;</li>
 *   <li>that sequence is cut into {@code streams} equal runs (a stream is read front to back by one reader: no
 *       two readers read the same bytes);</li>
 *   <li>each stream is cut into windows of {@code window} samples (the shuffle buffer), each window shuffled;</li>
 *   <li>the epoch takes one sample of each stream in turn.</li>
 * </ol>
 * Rank r takes every world-size-th sample from r, as {@code EpochOrder} does for indexed sources; so a run on W
 * ranks sees the same global batches as one process with a W times larger batch, and when W divides the stream
 * count each rank reads only its own streams' shards. Training uses {@code streams * floor(N / streams)} samples
 * (cut to a multiple of the world size), dropping fewer than {@code streams + W} samples of the epoch (others
 * every epoch, as the shard order changes); evaluation visits every sample once.
 *
 * <p>Samples are named by their place in the shards as listed (shard i's member m is {@code start(i) + m}), so a
 * sample keeps its index across epochs, for the bad-sample budget.
 */
public final class ShardPlan {
    private final int[] counts;
    private final long[] start;
    private final int total;
    private final int streams;
    private final int window;

    /**
     * @param counts samples per shard, in the order of {@code urls}
     * @param streams how many runs the epoch is read as
     * @param window the shuffle buffer: samples per shuffled window of a stream
     */
    public ShardPlan(int[] counts, int streams, int window) {
        if (streams < 1 || window < 1) {
            throw new IllegalArgumentException("streams and window must be >= 1");
        }
        this.counts = counts.clone();
        this.start = new long[counts.length + 1];
        for (int i = 0; i < counts.length; i++) {
            start[i + 1] = start[i] + counts[i];
        }
        if (start[counts.length] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than " + Integer.MAX_VALUE + " samples");
        }
        this.total = (int) start[counts.length];
        this.streams = streams;
        this.window = window;
    }

    public int total() {
        return total;
    }

    public int streams() {
        return streams;
    }

    public int window() {
        return window;
    }

    public int shards() {
        return counts.length;
    }

    public int count(int shard) {
        return counts[shard];
    }

    /** The index of shard {@code shard}'s first sample. */
    public int first(int shard) {
        return (int) start[shard];
    }

    /** The shard holding sample {@code index}. */
    public int shardOf(int index) {
        int i = Arrays.binarySearch(start, index);
        if (i >= 0) {
            // several empty shards may share a start: take the last, which holds the sample
            while (i + 1 < start.length && start[i + 1] == index) {
                i++;
            }
            return i;
        }
        return -i - 2;
    }

    /** Samples per rank in an epoch. */
    public int samplesPerRank(LoaderSettings s) {
        if (s.evenShards()) {
            return trainingLength(s) / s.worldSize();
        }
        return Math.max(0, (total - s.rank() + s.worldSize() - 1) / s.worldSize());
    }

    private int trainingLength(LoaderSettings s) {
        long t = (long) streams * (total / streams);
        return (int) (t - t % s.worldSize());
    }

    /** One epoch's layout: the shard order and where every stream and window lies in it. */
    public Epoch epoch(int epoch, LoaderSettings s) {
        return new Epoch(epoch, s);
    }

    /** A stream's window: where it starts in the epoch's sequence, how long it is. */
    public record WindowRef(int stream, int window, int slot) {}

    /** The layout of one epoch. */
    public final class Epoch {
        private final int epoch;
        private final LoaderSettings settings;
        /** The shard at place j of the epoch's sequence, and place j's first sample in that sequence. */
        private final int[] order;
        private final int[] placeOf;
        private final long[] placeStart;
        private final int[] streamStart;
        private final int[] streamLength;

        Epoch(int epoch, LoaderSettings s) {
            this.epoch = epoch;
            this.settings = s;
            int n = counts.length;
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (s.shuffle()) {
                Seeds.shuffle(order, Seeds.forOrder(s.seed(), epoch));
            }
            placeOf = new int[n];
            placeStart = new long[n + 1];
            for (int j = 0; j < n; j++) {
                placeOf[order[j]] = j;
                placeStart[j + 1] = placeStart[j] + counts[order[j]];
            }
            streamStart = new int[streams];
            streamLength = new int[streams];
            for (int k = 0; k < streams; k++) {
                if (s.evenShards()) {
                    streamStart[k] = k * (total / streams);
                    streamLength[k] = total / streams;
                } else {
                    streamStart[k] = (int) ((long) k * total / streams);
                    streamLength[k] = (int) ((long) (k + 1) * total / streams) - streamStart[k];
                }
            }
        }

        public int epoch() {
            return epoch;
        }

        public int streamLength(int stream) {
            return streamLength[stream];
        }

        /** Samples in window {@code w} of {@code stream}. */
        public int windowLength(int stream, int w) {
            return Math.min(window, streamLength[stream] - w * window);
        }

        public int windows(int stream) {
            return (streamLength[stream] + window - 1) / window;
        }

        /** The sample at {@code slot} of window {@code w} of {@code stream} (slots in shard order). */
        public int sampleAt(int stream, int w, int slot) {
            return sampleAtPlace(streamStart[stream] + (long) w * window + slot);
        }

        /** The sample at place {@code c} of the epoch's sequence of shards. */
        int sampleAtPlace(long c) {
            int[] jm = shardMemberAt(c);
            return (int) (start[order[jm[0]]] + jm[1]);
        }

        /** The epoch's place j: shard {@code shardAt(j)}; {@code placeOf} inverts it. */
        public int shardAt(int j) {
            return order[j];
        }

        /** Where sample {@code index} lies this epoch: its stream, window and slot, or null if it is left out. */
        public WindowRef locate(int index) {
            int shard = shardOf(index);
            long c = placeStart[placeOf[shard]] + (index - start[shard]);
            // the last stream starting at or before c (streams are consecutive runs; empty ones share a start)
            int k = Arrays.binarySearch(streamStart, (int) c);
            if (k >= 0) {
                while (k + 1 < streams && streamStart[k + 1] == c) {
                    k++;
                }
            } else {
                k = -k - 2;
            }
            if (k < 0 || c >= streamStart[k] + streamLength[k]) {
                return null;
            }
            int q = (int) (c - streamStart[k]);
            return new WindowRef(k, q / window, q % window);
        }

        /** The place (in the epoch's sequence) of the first sample of {@code stream}'s window {@code w}. */
        public long placeOfWindow(int stream, int w) {
            return streamStart[stream] + (long) w * window;
        }

        /** The shard and member at place {@code c}: {@code [place j, member m]}. */
        public int[] shardMemberAt(long c) {
            int j = Arrays.binarySearch(placeStart, c);
            if (j >= 0) {
                while (j + 1 < placeStart.length && placeStart[j + 1] == c) {
                    j++;
                }
            } else {
                j = -j - 2;
            }
            return new int[] {j, (int) (c - placeStart[j])};
        }

        /** The order in which window {@code w} of {@code stream} visits its slots. */
        public int[] windowOrder(int stream, int w) {
            int n = windowLength(stream, w);
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            if (settings.shuffle()) {
                Seeds.shuffle(p, Seeds.forWindow(settings.seed(), epoch, stream, w));
            }
            return p;
        }

        /** The samples this rank visits, in order. */
        public int[] indices() {
            int[][] perm = new int[streams][];
            int[] permWindow = new int[streams];
            Arrays.fill(permWindow, -1);
            int n = samplesPerRank(settings);
            int[] out = new int[n];
            for (int j = 0; j < n; j++) {
                long k = settings.rank() + (long) j * settings.worldSize();
                int stream;
                int q;
                if (settings.evenShards()) {
                    stream = (int) (k % streams);
                    q = (int) (k / streams);
                } else {
                    // every stream's length is floor(N / S) or one more: full rounds, then the longer streams
                    int min = total / streams;
                    if (k < (long) min * streams) {
                        stream = (int) (k % streams);
                        q = (int) (k / streams);
                    } else {
                        int r = (int) (k - (long) min * streams);
                        stream = nthLonger(min, r);
                        q = min;
                    }
                }
                int w = q / window;
                if (permWindow[stream] != w) {
                    perm[stream] = windowOrder(stream, w);
                    permWindow[stream] = w;
                }
                out[j] = sampleAt(stream, w, perm[stream][q % window]);
            }
            return out;
        }

        private int nthLonger(int min, int r) {
            for (int k = 0; k < streams; k++) {
                if (streamLength[k] > min && r-- == 0) {
                    return k;
                }
            }
            throw new IllegalStateException("position past the epoch");
        }
    }
}
