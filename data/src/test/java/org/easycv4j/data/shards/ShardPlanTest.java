package org.easycv4j.data.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.easycv4j.core.data.LoaderSettings;
import org.junit.jupiter.api.Test;

/** The epoch order over shards: world-size independence, disjoint streams per rank, the shuffle buffer's reach. */
class ShardPlanTest {
    // 7 shards of uneven size, 45 samples
    static final int[] COUNTS = {7, 7, 7, 7, 7, 5, 5};

    static LoaderSettings train(int rank, int world) {
        return new LoaderSettings(4, 0, true, false, 11, rank, world);
    }

    @Test
    void twoRanksInterleaveToTheOneProcessOrderAndReadDisjointStreams() {
        ShardPlan plan = new ShardPlan(COUNTS, 4, 3);
        int[] one = plan.epoch(2, train(0, 1)).indices();
        // training uses streams * floor(45 / 4) = 44 samples
        assertEquals(44, one.length);
        assertEquals(44, new HashSet<>(Arrays.stream(one).boxed().toList()).size());
        for (int r = 0; r < 2; r++) {
            ShardPlan.Epoch e = plan.epoch(2, train(r, 2));
            int[] mine = e.indices();
            assertEquals(22, mine.length);
            Set<Integer> streams = new HashSet<>();
            for (int j = 0; j < mine.length; j++) {
                assertEquals(one[r + 2 * j], mine[j], "rank " + r + " sample " + j);
                streams.add(e.locate(mine[j]).stream());
            }
            assertEquals(Set.of(r, r + 2), streams, "rank " + r + " reads only its own streams");
        }
    }

    @Test
    void sameSeedSameOrderAnotherEpochAnotherOrder() {
        ShardPlan plan = new ShardPlan(COUNTS, 4, 3);
        assertArrayEquals(plan.epoch(5, train(0, 1)).indices(), plan.epoch(5, train(0, 1)).indices());
        assertFalse(Arrays.equals(plan.epoch(5, train(0, 1)).indices(), plan.epoch(6, train(0, 1)).indices()));
    }

    @Test
    void theShuffleBufferMixesOnlyWithinAWindowOfAStream() {
        ShardPlan plan = new ShardPlan(COUNTS, 2, 4);
        ShardPlan.Epoch e = plan.epoch(0, train(0, 1));
        int[] order = e.indices();
        // the first 2 * 4 samples of the epoch are the first windows of the two streams, in some order
        for (int k = 0; k < 8; k++) {
            ShardPlan.WindowRef r = e.locate(order[k]);
            assertEquals(k % 2, r.stream());
            assertEquals(0, r.window());
        }
        // and a window holds consecutive samples of the shuffled shard sequence
        Set<Integer> window0 = new HashSet<>();
        for (int slot = 0; slot < 4; slot++) {
            window0.add(e.sampleAt(0, 0, slot));
        }
        Set<Integer> visited = new HashSet<>();
        for (int k = 0; k < 8; k += 2) {
            visited.add(order[k]);
        }
        assertEquals(window0, visited);
        int first = e.shardAt(0);
        assertTrue(window0.contains(plan.first(first)), "window 0 starts with the first shard's first sample");
    }

    @Test
    void evaluationVisitsEverySampleOnceOverAnyNumberOfRanks() {
        ShardPlan plan = new ShardPlan(COUNTS, 4, 3);
        for (int world : new int[] {1, 2, 3}) {
            Set<Integer> seen = new HashSet<>();
            int visits = 0;
            for (int r = 0; r < world; r++) {
                int[] mine = plan.epoch(0, new LoaderSettings(4, 0, false, false, 11, r, world, false)).indices();
                visits += mine.length;
                Arrays.stream(mine).forEach(seen::add);
            }
            assertEquals(45, visits, "world " + world);
            assertEquals(45, seen.size(), "world " + world);
        }
    }

    @Test
    void withoutShuffleTheOrderIsTheShardsAsListed() {
        ShardPlan plan = new ShardPlan(COUNTS, 1, 5);
        int[] order = plan.epoch(0, new LoaderSettings(4, 0, false, false, 11, 0, 1, false)).indices();
        for (int i = 0; i < 45; i++) {
            assertEquals(i, order[i]);
        }
        assertEquals(5, plan.shardOf(35));
        assertEquals(4, plan.shardOf(34));
        assertNotNull(plan.epoch(0, train(0, 1)).locate(0));
    }

    @Test
    void emptyShardsAreSkipped() {
        ShardPlan plan = new ShardPlan(new int[] {3, 0, 0, 2}, 1, 10);
        assertEquals(3, plan.shardOf(3));
        assertEquals(0, plan.shardOf(2));
        int[] order = plan.epoch(0, new LoaderSettings(4, 0, false, false, 11, 0, 1, false)).indices();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, order);
    }
}
