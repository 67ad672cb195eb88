package org.easycv4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.LossScaleSettings;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.runner.OptimStep;
import org.easycv4j.models.cls.ViTClassifier;
import org.easycv4j.models.cls.ViTClassifierSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fp16 ({@code amp = fp16}, with dynamic loss scaling) and bf16 ({@code amp = bf16}, without) mixed precision
 * against float32: the same model, initial weights, data and masks, trained 20 steps through the train loop's
 * optimizer step.
 */
class MixedPrecisionTest {
    private static final float[] PIXELS = TrainingHarness.sinusoids(8, 3, 32, 5);
    private static final long[] LABELS = {0, 1, 2, 3, 0, 1, 2, 3};

    /** {@code liveArrays}: arrays alive on the model's manager after the first and after the last step. */
    private record Run(float[] losses, float[] firstParam, long skipped, double finalScale, long[] liveArrays) {}

    private static TaskModel model(String kind) {
        return switch (kind) {
            case "mae" -> ModelTrainingTest.tinyMae();
            // EasyCV's DeiT options: layer scale, hydra attention in the last block.
            case "deit" -> new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 32, "
                    + "patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, num_classes = 4, label_smoothing = 0.1, "
                    + "drop_path_rate = 0, use_layer_scale = true, init_scale = 0.5, hydra_attention = true, "
                    + "hydra_attention_layers = 1")));
            default -> ModelTrainingTest.tinyClassifier(0.0);
        };
    }

    private static Run train(String kind, Optional<LossScaleSettings> amp, int steps) {
        return train(kind, amp, amp.isPresent() ? DataType.FLOAT16 : DataType.FLOAT32, steps);
    }

    private static Run train(String kind, Optional<LossScaleSettings> amp, DataType autocast, int steps) {
        Engine.getInstance().setRandomSeed(7);
        TaskModel model = model(kind);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(8));
            List<NamedParameter> trainable = model.namedParameters().stream()
                    .filter(p -> p.parameter().requiresGradient()).toList();
            AdamW opt = new AdamW(new AdamWSettings(1e-3, 0.9, 0.95, 1e-8, 0.05));
            opt.init(trainable, manager);
            Optional<LossScaler> scaler = amp.map(s -> new LossScaler(s, manager));
            model.setAutocast(autocast);
            OptimStep optimStep = new OptimStep(trainable, opt, scaler, 1.0, 5);
            Function<NDManager, Batch> batch = kind.equals("mae")
                    ? m -> TrainingHarness.images(m, PIXELS, new Shape(8, 3, 32, 32))
                    : m -> TrainingHarness.images(m, PIXELS, new Shape(8, 3, 32, 32), m.create(LABELS));
            float[] losses = new float[steps];
            float[] first = null;
            long[] live = new long[2];
            for (int i = 0; i < steps; i++) {
                losses[i] = TrainingHarness.step(model, optimStep, scaler, manager, batch);
                if (i == 0) {
                    first = trainable.get(trainable.size() - 1).parameter().getArray().toFloatArray();
                    live[0] = liveArrays(manager);
                }
            }
            live[1] = liveArrays(manager);
            return new Run(losses, first, optimStep.skipped(),
                    scaler.map(LossScaler::currentScale).orElse(Double.NaN), live);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mae", "classifier", "deit"})
    void fp16LossesStayWithin1e2OfFloat32Over20Steps(String kind) {
        Run fp32 = train(kind, Optional.empty(), 20);
        Run fp16 = train(kind, Optional.of(new LossScaleSettings(1024.0, 2.0, 0.5, 2000)), 20);
        assertEquals(0, fp16.skipped(), "no overflow expected at scale 1024");
        float maxDiff = 0;
        boolean differs = false;
        for (int i = 0; i < 20; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(fp16.losses()[i] - fp32.losses()[i]));
            differs |= fp16.losses()[i] != fp32.losses()[i];
        }
        assertTrue(maxDiff < 1e-2, "max |loss fp16 - loss fp32| over 20 steps = " + maxDiff);
        // The products really ran in half precision: the losses are close, not identical.
        assertTrue(differs, "fp16 losses are bit-identical to float32: autocast did nothing");
        assertTrue(fp16.losses()[19] < fp16.losses()[0], "fp16 training did not lower the loss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mae", "classifier", "deit"})
    void bf16LossesStayWithin1e2OfFloat32Over20StepsWithoutLossScaling(String kind) {
        Run fp32 = train(kind, Optional.empty(), 20);
        Run bf16 = train(kind, Optional.empty(), DataType.BFLOAT16, 20);
        float maxDiff = 0;
        boolean differs = false;
        for (int i = 0; i < 20; i++) {
            assertTrue(Float.isFinite(bf16.losses()[i]), "step " + i);
            maxDiff = Math.max(maxDiff, Math.abs(bf16.losses()[i] - fp32.losses()[i]));
            differs |= bf16.losses()[i] != fp32.losses()[i];
        }
        System.out.println(kind + " bf16 max |loss - float32 loss| over 20 steps: " + maxDiff);
        assertTrue(maxDiff < 1e-2, "max |loss bf16 - loss fp32| over 20 steps = " + maxDiff);
        assertTrue(differs, "bf16 losses are bit-identical to float32: autocast did nothing");
        assertTrue(bf16.losses()[19] < bf16.losses()[0], "bf16 training did not lower the loss");
        // The per-step bfloat16 copies of the weights belong to the step: none may stay on the model's manager
        // (they did once, ~4 MB a step for the Fashion-MNIST MAE).
        assertEquals(bf16.liveArrays()[0], bf16.liveArrays()[1], "arrays left on the model's manager by 19 steps");
    }

    private static long liveArrays(NDManager manager) {
        return manager.getManagedArrays().stream().filter(a -> !a.isReleased()).count();
    }

    /**
     * A huge initial scale (2^24) overflows float16 gradients: those steps are skipped (weights untouched) and
     * the scale halves each time until the gradients fit, after which training proceeds.
     */
    @Test
    void overflowSkipsTheStepAndBacksTheScaleOff() {
        Run ref = train("mae", Optional.empty(), 1);
        Run initial = train("mae", Optional.of(new LossScaleSettings(Math.pow(2, 24), 2.0, 0.5, 2000)), 1);
        assertEquals(1, initial.skipped(), "the first step at scale 2^24 should overflow");
        assertEquals(Math.pow(2, 23), initial.finalScale());
        Run fresh = untrained();
        assertArrayEquals(fresh.firstParam(), initial.firstParam(), "a skipped step must not change weights");
        assertFalse(Arrays.equals(ref.firstParam(), fresh.firstParam()), "the float32 step did update");

        Run run = train("mae", Optional.of(new LossScaleSettings(Math.pow(2, 24), 2.0, 0.5, 2000)), 20);
        assertTrue(run.skipped() >= 1 && run.skipped() < 20, "skipped " + run.skipped() + " of 20 steps");
        assertEquals(Math.pow(2, 24 - run.skipped()), run.finalScale(), "one halving per skipped step");
        for (float l : run.losses()) {
            assertTrue(Float.isFinite(l));
        }
        assertTrue(run.losses()[19] < run.losses()[0]);
    }

    /** The last trainable parameter of the model before any step (same seed as {@link #train}). */
    private static Run untrained() {
        Engine.getInstance().setRandomSeed(7);
        TaskModel model = model("mae");
        try (NDManager manager = NDManager.newBaseManager()) {
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(8));
            List<NamedParameter> trainable = model.namedParameters().stream()
                    .filter(p -> p.parameter().requiresGradient()).toList();
            return new Run(new float[0], trainable.get(trainable.size() - 1).parameter().getArray().toFloatArray(), 0,
                    Double.NaN, new long[2]);
        }
    }
}
