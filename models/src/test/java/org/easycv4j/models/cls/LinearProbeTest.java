package org.easycv4j.models.cls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.optim.Lars;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.runner.OptimStep;
import org.easycv4j.models.TrainingHarness;
import org.easycv4j.models.vit.BatchNormLayer;
import org.easycv4j.models.vit.Step;
import org.junit.jupiter.api.Test;

/** The linear-probe head's BatchNorm, and a probe on a frozen encoder learning a small task. */
class LinearProbeTest {

    /** x (4, 2): column 0 = 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); column 1 = 0, 0, 4, 4. */
    private static final float[] X = {1, 0, 2, 0, 3, 4, 6, 4};

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEvaluation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            BatchNormLayer bn = new BatchNormLayer(2, 1e-6);
            bn.initialize(manager, DataType.FLOAT32, new Shape(4, 2));
            ParameterStore store = new ParameterStore(manager, false);
            try (NDManager m = manager.newSubManager()) {
                NDArray x = m.create(X, new Shape(4, 2));
                float[] y = bn.apply(new Step(store, x, true), x).toFloatArray();
                double s0 = Math.sqrt(3.5 + 1e-6);
                double s1 = Math.sqrt(4 + 1e-6);
                assertArrayEquals(new float[] {(float) (-2 / s0), (float) (-2 / s1), (float) (-1 / s0),
                        (float) (-2 / s1), 0, (float) (2 / s1), (float) (3 / s0), (float) (2 / s1)}, y, 1e-5f);
            }
            Map<String, float[]> stats = new LinkedHashMap<>();
            bn.getParameters().forEach(p -> stats.put(p.getKey(), p.getValue().getArray().toFloatArray()));
            // PyTorch: running = 0.9 running + 0.1 batch, with the unbiased variance (16/3 for column 1).
            assertArrayEquals(new float[] {0.3f, 0.2f}, stats.get("running_mean"), 1e-6f);
            assertArrayEquals(new float[] {(float) (0.9 + 0.1 * 14 / 3.0), (float) (0.9 + 0.1 * 16 / 3.0)},
                    stats.get("running_var"), 1e-6f);
            try (NDManager m = manager.newSubManager()) {
                NDArray x = m.create(X, new Shape(4, 2));
                float[] y = bn.apply(new Step(store, x, false), x).toFloatArray();
                float[] rm = stats.get("running_mean");
                float[] rv = stats.get("running_var");
                for (int i = 0; i < 8; i++) {
                    int c = i % 2;
                    assertEquals((X[i] - rm[c]) / Math.sqrt(rv[c] + 1e-6), y[i], 1e-5, "element " + i);
                }
                // Evaluation leaves the running statistics alone.
                assertArrayEquals(rm, bn.getParameters().get("running_mean").getArray().toFloatArray(), 0f);
                NDArray one = m.create(new float[] {1, 2}, new Shape(1, 2));
                assertThrows(IllegalArgumentException.class, () -> bn.apply(new Step(store, one, true), one));
            }
        }
    }

    /** Four image families plus noise; a fresh noise seed gives held-out samples. */
    private static float[] images(long[] labels, int noiseSeed) {
        int per = 3 * 32 * 32;
        float[] pixels = new float[labels.length * per];
        for (int i = 0; i < labels.length; i++) {
            float[] one = TrainingHarness.sinusoids(1, 3, 32, 100 + labels[i]);
            float[] noise = TrainingHarness.sinusoids(1, 3, 32, noiseSeed + i);
            for (int k = 0; k < per; k++) {
                pixels[i * per + k] = one[k] + 0.3f * noise[k];
            }
        }
        return pixels;
    }

    @Test
    void aProbeOnAFrozenRandomEncoderLearnsAboveChance() {
        Engine.getInstance().setRandomSeed(7);
        int n = 32;
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
        }
        float[] train = images(labels, 1000);
        float[] test = images(labels, 5000);
        try (NDManager manager = NDManager.newBaseManager()) {
            ViTClassifier model = FrozenStagesTest.classifier("frozen_stages = 3, use_global_pool = false, "
                    + "head_bn = true, head_init_std = 0.01");
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(n));
            List<NamedParameter> trainable = model.namedParameters().stream()
                    .filter(p -> p.parameter().requiresGradient()).toList();
            Map<String, float[]> before = new LinkedHashMap<>();
            model.namedParameters().forEach(p -> before.put(p.name(), p.parameter().getArray().toFloatArray()));
            Lars lars = new Lars(new Lars.Settings(1.6, 0.9, 0.0, 0.001, 0), 1.6);
            lars.init(trainable, manager);
            OptimStep step = new OptimStep(trainable, lars, 0, 3);
            for (int i = 0; i < 60; i++) {
                TrainingHarness.step(model, step, Optional.empty(), manager,
                        m -> TrainingHarness.images(m, train, new Shape(n, 3, 32, 32), m.create(labels)));
            }
            double accuracy;
            try (NDManager m = manager.newSubManager()) {
                NDArray logits = model.forward(new ParameterStore(manager, false),
                        TrainingHarness.images(m, test, new Shape(n, 3, 32, 32)), false).outputs().get(0);
                long[] predicted = logits.argMax(1).toLongArray();
                int right = 0;
                for (int i = 0; i < n; i++) {
                    right += predicted[i] == labels[i] ? 1 : 0;
                }
                accuracy = right / (double) n;
            }
            // Measured: 0.72 on these 32 held-out images.
            assertTrue(accuracy >= 0.5, "held-out accuracy " + accuracy + " (chance 0.25)");
            assertEquals(List.of("mu.head.1.weight", "mu.head.1.bias"), List.copyOf(lars.state().keySet()));
            for (NamedParameter p : model.namedParameters()) {
                float[] now = p.parameter().getArray().toFloatArray();
                if (p.name().startsWith("head.")) {
                    assertTrue(!java.util.Arrays.equals(before.get(p.name()), now), p.name() + " changed");
                } else {
                    assertArrayEquals(before.get(p.name()), now, 0f, p.name() + " frozen");
                }
            }
        }
    }
}
