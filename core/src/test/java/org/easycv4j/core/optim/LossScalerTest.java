package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.model.NamedParameter;
import org.junit.jupiter.api.Test;

/** GradScaler's rules, step by step, with hand-computed values. */
class LossScalerTest {

    @Test
    void scalesUnscalesBacksOffAndGrows() {
        try (NDManager m = NDManager.newBaseManager()) {
            LossScaler s = new LossScaler(new LossScaleSettings(4.0, 2.0, 0.5, 2), m);
            assertEquals(12f, s.scaleLoss(m.create(3f)).getFloat());
            NamedParameter a = Grads.param(m, "a", new float[] {0, 0}, new Shape(2));
            List<NamedParameter> ps = List.of(a);

            // Good step 1 of 2: gradients divided by 4, scale kept.
            Grads.setGradients(m, ps, new float[] {8, -4});
            NDArray found = s.unscale(ps, m);
            assertArrayEquals(new float[] {2, -1}, a.parameter().getArray().getGradient().toFloatArray());
            assertEquals(0f, found.getFloat(0));
            s.update();
            assertEquals(4.0, s.currentScale());
            // Good step 2 of 2: the scale doubles and the counter restarts.
            Grads.setGradients(m, ps, new float[] {4, 4});
            s.unscale(ps, m);
            s.update();
            assertEquals(8.0, s.currentScale());
            assertEquals(0, s.state().get(LossScaler.TRACKER_KEY).getInt(0));
            // Overflow: flagged, scale halved, counter reset.
            Grads.setGradients(m, ps, new float[] {Float.POSITIVE_INFINITY, 1});
            assertEquals(1f, s.unscale(ps, m).getFloat(0));
            s.update();
            assertEquals(4.0, s.currentScale());
            // One good step after the overflow does not grow (interval 2).
            Grads.setGradients(m, ps, new float[] {1, 1});
            assertEquals(0f, s.unscale(ps, m).getFloat(0));
            s.update();
            assertEquals(4.0, s.currentScale());
            assertEquals(1, s.state().get(LossScaler.TRACKER_KEY).getInt(0));
        }
    }

    @Test
    void neverGrowsToInfinity() {
        try (NDManager m = NDManager.newBaseManager()) {
            LossScaler s = new LossScaler(new LossScaleSettings(3e38, 2.0, 0.5, 1), m);
            NamedParameter a = Grads.param(m, "a", new float[] {0}, new Shape(1));
            Grads.setGradients(m, List.of(a), new float[] {1});
            s.unscale(List.of(a), m);
            s.update();
            assertEquals(3e38, s.currentScale(), 1e32);
        }
    }

    @Test
    void stateRoundTripsAndAFloat32CheckpointKeepsTheInitialScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            LossScaler s = new LossScaler(new LossScaleSettings(1024.0, 2.0, 0.5, 100), m);
            s.loadState(Map.of());
            assertEquals(1024.0, s.currentScale());
            s.loadState(Map.of(LossScaler.SCALE_KEY, m.create(new float[] {32f}),
                    LossScaler.TRACKER_KEY, m.create(new int[] {7})));
            assertEquals(32.0, s.currentScale());
            assertEquals(7, s.state().get(LossScaler.TRACKER_KEY).getInt(0));
        }
    }
}
