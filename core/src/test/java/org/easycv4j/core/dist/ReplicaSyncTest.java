package org.easycv4j.core.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.List;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.optim.Grads;
import org.easycv4j.core.model.NamedParameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient and weight paths against a stand-in second rank: its gradient is 1 everywhere and its weights
 * are 7, so the averaged gradient must be (g + 1) / 2 and the broadcast weights 7, in place on a CPU and staged
 * through host memory as on a GPU.
 */
class ReplicaSyncTest {

    /** Rank 1 of 2: all-reduce adds the other rank's 1s, broadcast receives rank 0's 7s. */
    private static final class OtherRank implements Collective {
        int reductions;

        @Override
        public int rank() {
            return 1;
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public int localRank() {
            return 1;
        }

        @Override
        public void allReduceSumFloats(ByteBuffer b) {
            reductions++;
            for (int i = 0; i < b.limit(); i += Float.BYTES) {
                b.putFloat(i, b.getFloat(i) + 1f);
            }
        }

        @Override
        public void allReduceSumDoubles(double[] values) {}

        @Override
        public void broadcast(ByteBuffer b, int root) {
            for (int i = 0; i < b.limit(); i += Float.BYTES) {
                b.putFloat(i, 7f);
            }
        }

        @Override
        public void barrier() {}

        @Override
        public void abort(int code) {}

        @Override
        public void close() {}
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void averagesGradientsAndBroadcastsWeights(boolean allowInPlace) {
        try (NDManager m = NDManager.newBaseManager(); GradientOps ops = GradientOps.forEngine(m)) {
            NamedParameter a = Grads.param(m, "a", new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NamedParameter b = Grads.param(m, "b", new float[] {5}, new Shape(1));
            List<NamedParameter> ps = List.of(a, b);
            Grads.setGradients(m, ps, new float[] {3, 5, -1, 0}, new float[] {9});
            OtherRank other = new OtherRank();
            ReplicaSync sync = new ReplicaSync(other, ps, ops, allowInPlace);
            assertEquals(allowInPlace, sync.inPlace(), "CPU arrays are reduced in place when allowed");
            assertEquals(1, sync.gradientBuckets());
            sync.averageGradients(m);
            assertEquals(1, other.reductions, "one collective for both parameters");
            assertArrayEquals(new float[] {2, 3, 0, 0.5f}, a.parameter().getArray().getGradient().toFloatArray());
            assertArrayEquals(new float[] {5}, b.parameter().getArray().getGradient().toFloatArray());
            assertArrayEquals(new float[] {1, 2, 3, 4}, a.parameter().getArray().toFloatArray(), "weights untouched");
            sync.broadcastWeights(m);
            assertArrayEquals(new float[] {7, 7, 7, 7}, a.parameter().getArray().toFloatArray());
            assertArrayEquals(new float[] {7}, b.parameter().getArray().toFloatArray());
        }
    }
}
