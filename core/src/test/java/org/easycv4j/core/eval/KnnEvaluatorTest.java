package org.easycv4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.easycv4j.core.config.ConfigProblem;
import org.easycv4j.core.config.ConfigValidationException;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.testing.Fixtures;
import org.easycv4j.core.testing.TestComponents;
import org.junit.jupiter.api.Test;

/** The weighted kNN vote against hand-computed cases. */
class KnnEvaluatorTest {
    private static final float R3 = (float) Math.sqrt(3);

    /**
     * A bank in 2-D, given by angle (its samples' lengths differ, normalization removes them): a at 0 degrees
     * (class 0), b at 60 (class 1), c at -60 (class 1), d at 180 (class 0), e at 90 (class 2).
     */
    private static NDArray bank(NDManager m) {
        return m.create(new float[] {2, 0, 0.5f, R3 / 2, 1, -R3, -1, 0, 0, 3}, new Shape(5, 2));
    }

    private static NDArray bankLabels(NDManager m) {
        return m.create(new long[] {0, 1, 1, 0, 2});
    }

    /** Queries at 0 degrees (class 0 and class 1), 90 (class 2) and 180 (class 2). */
    private static NDArray queries(NDManager m) {
        return m.create(new float[] {1, 0, 3, 0, 0, 1, -1, 0}, new Shape(4, 2));
    }

    private static NDArray queryLabels(NDManager m) {
        return m.create(new long[] {0, 1, 2, 2});
    }

    private static KnnEvaluator knn(int k, double t, List<Integer> topk) {
        return new KnnEvaluator(new KnnEvaluator.Vote(k, t, topk, FeaturePooling.DEFAULT), null);
    }

    @Test
    void aLowTemperatureLetsTheNearestNeighbourOutvoteTheMajority() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnEvaluator e = knn(3, 0.1, List.of(1, 2));
            e.setBank(bank(m), bankLabels(m));
            assertEquals(3, e.numClasses());
            // Query at 0 degrees: neighbours a (cos 1, class 0), b and c (cos 0.5, class 1). Two of three vote 1,
            // but with T = 0.1 class 0 scores exp(10) and class 1 only 2 exp(5).
            float[] s = e.scores(queries(m).get("0:1")).toFloatArray();
            assertArrayEquals(new float[] {(float) Math.exp(10), (float) (2 * Math.exp(5)), 0}, s, 1e-2f);
            // Query at 90 degrees: e (cos 1, class 2), b (cos 0.866, class 1), then a or d (cos 0, both class 0).
            float[] s90 = e.scores(queries(m).get("2:3")).toFloatArray();
            assertArrayEquals(new float[] {1, (float) Math.exp(10 * R3 / 2), (float) Math.exp(10)}, s90, 1e-2f);

            e.addQueries(queries(m), queryLabels(m));
            // Ranks of the true class: 0 degrees/class 0 first, 0 degrees/class 1 second, 90/class 2 first,
            // 180/class 2 second (d's class 0 scores exp(10), e's class 2 exp(0), b's or c's class 1 exp(-5): they
            // tie at the third place and only one is taken, the same class either way).
            assertEquals(Map.of("knn_top1", 50.0, "knn_top2", 100.0), e.compute());
            assertArrayEquals(new double[] {2, 4, 4}, e.counts().orElseThrow());
            e.close();
        }
    }

    @Test
    void atTemperatureOneTheMajorityWins() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnEvaluator e = knn(3, 1.0, List.of(1, 2));
            e.setBank(bank(m), bankLabels(m));
            float[] s = e.scores(queries(m).get("0:1")).toFloatArray();
            assertArrayEquals(new float[] {(float) Math.E, (float) (2 * Math.exp(0.5)), 0}, s, 1e-5f);
            e.addQueries(queries(m), queryLabels(m));
            // 0/class 0: class 1 (3.30) beats class 0 (2.72): second, where T = 0.1 put it first. 0/class 1: first
            // (second at T = 0.1). 90/class 2: first. 180/class 2: class 0 (e), then class 2 (1) before class 1
            // (exp(-0.5) = 0.61): second.
            assertEquals(Map.of("knn_top1", 50.0, "knn_top2", 100.0), e.compute());
            assertArrayEquals(new double[] {2, 4, 4}, e.counts().orElseThrow());
            float[] s180 = e.scores(queries(m).get("3:4")).toFloatArray();
            assertArrayEquals(new float[] {(float) Math.E, (float) Math.exp(-0.5), 1}, s180, 1e-5f);
            e.close();
        }
    }

    @Test
    void equalScoresRankTheLowerClassFirstAndUnvotedClassesNeverCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnEvaluator e = knn(2, 0.07, List.of(1, 2, 5));
            e.setBank(m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)), m.create(new long[] {1, 0}));
            // (1, 1) is as close to the class-1 sample as to the class-0 one: equal scores, class 0 ranks first.
            NDArray q = m.create(new float[] {1, 1, 1, 1, 1, 1}, new Shape(3, 2));
            e.addQueries(q, m.create(new long[] {0, 1, 7}));
            Map<String, Double> r = e.compute();
            assertEquals(100.0 / 3, r.get("knn_top1"), 1e-9);
            assertEquals(200.0 / 3, r.get("knn_top2"), 1e-9, "class 7 is in no neighbour: never correct");
            assertEquals(200.0 / 3, r.get("knn_top5"), 1e-9);
            e.close();
        }
    }

    @Test
    void kLargerThanTheBankIsClippedToIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnEvaluator e = knn(20, 0.1, List.of(1));
            e.setBank(bank(m), bankLabels(m));
            assertEquals(5, e.effectiveK());
            // Every bank sample votes: at 0 degrees class 0 gets exp(10) + exp(-10), class 1 2 exp(5), class 2 1.
            float[] s = e.scores(queries(m).get("0:1")).toFloatArray();
            assertArrayEquals(new float[] {(float) (Math.exp(10) + Math.exp(-10)), (float) (2 * Math.exp(5)), 1}, s,
                    1e-2f);
            e.close();
        }
    }

    @Test
    void chunkedScoringCountsAsOneQueryAtATimeAndResetForgets() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(3);
            int n = 2 * KnnEvaluator.CHUNK + 37;
            float[] bank = new float[300 * 8];
            long[] bankLabels = new long[300];
            float[] q = new float[n * 8];
            long[] ql = new long[n];
            for (int i = 0; i < bank.length; i++) {
                bank[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < bankLabels.length; i++) {
                bankLabels[i] = r.nextInt(6);
            }
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                ql[i] = r.nextInt(6);
            }
            KnnEvaluator all = knn(10, 0.07, List.of(1, 5));
            KnnEvaluator one = knn(10, 0.07, List.of(1, 5));
            all.setBank(m.create(bank, new Shape(300, 8)), m.create(bankLabels));
            one.setBank(m.create(bank, new Shape(300, 8)), m.create(bankLabels));
            NDArray queries = m.create(q, new Shape(n, 8));
            NDArray labels = m.create(ql);
            all.addQueries(queries, labels);
            for (int i = 0; i < n; i++) {
                one.addQueries(queries.get(i + ":" + (i + 1)), labels.get(i + ":" + (i + 1)));
            }
            double[] c = all.counts().orElseThrow();
            assertArrayEquals(one.counts().orElseThrow(), c);
            assertEquals(n, c[2]);
            assertTrue(c[0] > 0 && c[0] <= c[1] && c[1] < n, java.util.Arrays.toString(c));
            all.reset();
            assertArrayEquals(new double[] {0, 0, 0}, all.counts().orElseThrow());
            all.close();
            one.close();
        }
    }

    @Test
    void withoutABankItSaysWhatItNeeds() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnEvaluator e = knn(20, 0.07, List.of(1));
            IllegalStateException x = assertThrows(IllegalStateException.class,
                    () -> e.addQueries(queries(m), queryLabels(m)));
            assertTrue(x.getMessage().contains("no bank"), x.getMessage());
        }
    }

    @Test
    void badKTemperaturePoolingAndAMissingBankAreConfigErrorsWithFileAndLine() {
        ExperimentLoader loader = new ExperimentLoader(getClass().getClassLoader(), new TestComponents());
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> loader.load(Fixtures.config("error_knn.conf"), List.of(), new Properties()));
        List<String> messages = e.problems().stream().map(ConfigProblem::toString).toList();
        assertEquals(4, messages.size(), e.getMessage());
        assertTrue(messages.stream().anyMatch(s -> s.contains("error_knn.conf:3: custom_hooks[0].k: expected an "
                + "integer >= 1, got 0")), e.getMessage());
        assertTrue(messages.stream().anyMatch(s -> s.contains("error_knn.conf:3: custom_hooks[0].temperature: "
                + "expected a number > 0")), e.getMessage());
        assertTrue(messages.stream().anyMatch(s -> s.contains("custom_hooks[0].pooling: expected one of [default, "
                + "cls, avg], got \"mean\"")), e.getMessage());
        assertTrue(messages.stream().anyMatch(s -> s.contains("custom_hooks[0].bank: missing required object")),
                e.getMessage());
    }
}
