package org.easycv4j.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.Gradients;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.NamedParameter;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.runner.OptimStep;

/** A minimal train step as the runner does it: per-step manager, forward, backward, clip, update, zero. */
public final class TrainingHarness {
    private TrainingHarness() {}

    /** Structured images: per channel, three random 2-D sinusoids (the benchmark's synthetic data). */
    public static float[] sinusoids(int count, int channels, int size, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] out = new float[count * channels * size * size];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < channels; c++) {
                for (int k = 0; k < 3; k++) {
                    double fx = (1 + r.nextInt(4)) * 2 * Math.PI / size;
                    double fy = (1 + r.nextInt(4)) * 2 * Math.PI / size;
                    double ph = r.nextDouble() * 2 * Math.PI;
                    double amp = 0.3 + r.nextDouble();
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            out[((i * channels + c) * size + y) * size + x] += (float) (amp * Math.sin(fx * x + fy * y
                                    + ph));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * One optimizer step; {@code batch} builds the step's batch in the given step manager. Returns the loss.
     */
    public static float step(TaskModel model, List<NamedParameter> trainable, Optimizer optimizer, double lr,
            NDManager manager, Function<NDManager, Batch> batch) {
        try (NDManager step = manager.newSubManager()) {
            float loss = forwardBackward(model, manager, step, batch, Optional.empty());
            Gradients.clipGlobalNorm(trainable, 1.0, step);
            optimizer.step(lr);
            Gradients.zero(trainable);
            return loss;
        }
    }

    /**
     * One step through the train loop's own {@link OptimStep} (clipping to 1.0; with a scaler: scaled loss,
     * unscaling, overflow skips). Returns the unscaled loss.
     */
    public static float step(TaskModel model, OptimStep optimStep, Optional<LossScaler> scaler, double lr,
            NDManager manager, Function<NDManager, Batch> batch) {
        try (NDManager step = manager.newSubManager()) {
            float loss = forwardBackward(model, manager, step, batch, scaler);
            optimStep.apply(lr, step);
            return loss;
        }
    }

    /** Forward and backward (of the scaled loss, with a scaler); returns the unscaled loss. */
    private static float forwardBackward(TaskModel model, NDManager manager, NDManager step,
            Function<NDManager, Batch> batch, Optional<LossScaler> scaler) {
        ParameterStore store = new ParameterStore(manager, false);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            StepOutput out = model.forward(store, batch.apply(step), true);
            gc.backward(scaler.isPresent() ? scaler.get().scaleLoss(out.loss()) : out.loss());
            return out.loss().getFloat();
        }
    }

    public static Batch images(NDManager m, float[] pixels, Shape shape, NDArray... labels) {
        return new Batch(new NDList(m.create(pixels, shape)), new NDList(labels), (int) shape.get(0));
    }
}
