package org.easycv4j.data.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.data.source.StreamedSource;
import org.junit.jupiter.api.Test;

/**
 * {@code data.use_repeated_augment_sampler}: EasyCV's RASampler. Its arithmetic for n samples and R ranks:
 * the order repeated 3 times in a row ({@code repeat_interleave}), padded to {@code ceil(3n / R) * R}, rank r
 * taking positions r, r + R, ..., of which it keeps the first {@code floor(floor(n / 256) * 256 / R)}.
 */
class RepeatedAugmentOrderTest {

    private static LoaderSettings ra(int batch, boolean shuffle, boolean dropLast, int rank, int world) {
        return new LoaderSettings(batch, 0, shuffle, dropLast, 7, rank, world).withRepeatedAugment(true);
    }

    /** Unshuffled, 2 ranks, 512 samples: [0 0 0 1 1 1 2 2 2 ...] dealt out alternately, 256 each. */
    @Test
    void twoRanksTakeAlternatePositionsOfTheTripledOrder() {
        int[] r0 = new EpochOrder(512, ra(16, false, false, 0, 2), "d").indices(0);
        int[] r1 = new EpochOrder(512, ra(16, false, false, 1, 2), "d").indices(0);
        assertEquals(256, r0.length);
        assertEquals(256, r1.length);
        assertArrayEquals(new int[] {0, 0, 1, 2, 2, 3, 4, 4}, Arrays.copyOf(r0, 8));
        assertArrayEquals(new int[] {0, 1, 1, 2, 3, 3, 4, 5}, Arrays.copyOf(r1, 8));
        // position 2k of 0 0 0 1 1 1 ... is sample floor(2k / 3): the last of rank 0 is floor(510 / 3) = 170
        assertEquals(170, r0[255]);
        assertEquals(170, r1[255]);
    }

    /**
     * 600 samples on 3 ranks: RASampler's num_samples is ceil(1800 / 3) = 600, but each rank keeps
     * floor(floor(600 / 256) * 256 / 3) = floor(512 / 3) = 170; drop_last only drops the incomplete batch.
     */
    @Test
    void eachRankKeepsEasyCvsCount() {
        EpochOrder order = new EpochOrder(600, ra(32, true, false, 2, 3), "d");
        assertEquals(170, order.samplesPerRank());
        assertEquals(6, order.batches());
        assertEquals(170, new EpochOrder(600, ra(32, true, true, 2, 3), "d").samplesPerRank());
        assertEquals(5, new EpochOrder(600, ra(32, true, true, 2, 3), "d").batches());
        assertEquals(512, new EpochOrder(767, ra(32, true, false, 0, 1), "d").samplesPerRank());
        assertEquals(768, new EpochOrder(768, ra(32, true, false, 0, 1), "d").samplesPerRank());
    }

    /**
     * The shuffled order is a function of (seed, epoch): one rank sees every sample three times in a row, and
     * interleaving the shards of 4 ranks gives back the first 4 x 128 entries of the one-rank order, so a global
     * batch is the same whatever the number of ranks (and a resumed epoch replays it).
     */
    @Test
    void theGlobalOrderIsTheSameForAnyNumberOfRanks() {
        int n = 520;
        int[] one = new EpochOrder(n, ra(8, true, false, 0, 1), "d").indices(5);
        assertEquals(512, one.length);
        for (int k = 0; k + 2 < one.length - 2; k += 3) {
            assertEquals(one[k], one[k + 1]);
            assertEquals(one[k], one[k + 2]);
        }
        assertEquals(512 / 3 + 1, Arrays.stream(one).distinct().count());
        assertArrayEquals(one, new EpochOrder(n, ra(8, true, false, 0, 1), "d").indices(5));
        assertFalse(Arrays.equals(one, new EpochOrder(n, ra(8, true, false, 0, 1), "d").indices(6)));
        int world = 4;
        int[][] shards = new int[world][];
        for (int r = 0; r < world; r++) {
            shards[r] = new EpochOrder(n, ra(8, true, false, r, world), "d").indices(5);
            assertEquals(128, shards[r].length);
        }
        for (int k = 0; k < 128; k++) {
            for (int r = 0; r < world; r++) {
                assertEquals(one[k * world + r], shards[r][k], "position " + (k * world + r));
            }
        }
        // without repeated augmentation the same seed and epoch give a plain permutation
        int[] plain = new EpochOrder(n, new LoaderSettings(8, 0, true, false, 7, 0, 1), "d").indices(5);
        assertEquals(n, Arrays.stream(plain).distinct().count());
    }

    /** Evaluation shards ignore the setting: every sample once. */
    @Test
    void evaluationShardsAreNotRepeated() {
        LoaderSettings eval = new LoaderSettings(8, 0, false, false, 0, 1, 2, false, true);
        assertArrayEquals(new int[] {1, 3, 5}, new EpochOrder(6, eval, "val").indices(0));
    }

    @Test
    void tooFewSamplesAndStreamedSourcesAreRefusedNamingTheKey() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new EpochOrder(255, ra(8, true, false, 0, 2), "train"));
        assertTrue(small.getMessage().startsWith("train: data.use_repeated_augment_sampler = true keeps floor(255 / 256)"
                + " * 256 / 2 = 0"), small.getMessage());
        StreamedSource shards = (StreamedSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StreamedSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("size")) {
                        return 1000;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        IllegalArgumentException streamed = assertThrows(IllegalArgumentException.class,
                () -> new EpochOrder(shards, ra(8, true, false, 0, 1), "train"));
        assertEquals("train: data.use_repeated_augment_sampler = true needs an indexed data source, not streamed tar "
                + "shards; set it false", streamed.getMessage());
    }
}
