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
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.Gradients;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.runner.OptimStep;
import org.easycv4j.core.util.Sinusoids;

/** A minimal train step as the runner does it: per-step manager, forward, backward, clip, update, zero. */
public final class TrainingHarness {
    private TrainingHarness() {}

    /** {@link Sinusoids#images} as one (count, channels, size, size) float array. */
    public static float[] sinusoids(int count, int channels, int size, long seed) {
        float[][] images = Sinusoids.images(count, channels, size, seed);
        int per = channels * size * size;
        float[] out = new float[count * per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images[i], 0, out, i * per, per);
        }
        return out;
    }

    /**
     * One optimizer step; {@code batch} builds the step's batch in the given step manager. Returns the loss.
     */
    public static float step(TaskModel model, List<NamedParameter> trainable, Optimizer optimizer,
            NDManager manager, Function<NDManager, Batch> batch) {
        try (NDManager step = manager.newSubManager()) {
            float loss = forwardBackward(model, manager, step, batch, Optional.empty());
            Gradients.clipGlobalNorm(trainable, 1.0, step);
            optimizer.step();
            Gradients.zero(trainable);
            return loss;
        }
    }

    /**
     * One step through the train loop's own {@link OptimStep} (clipping to 1.0; with a scaler: scaled loss,
     * unscaling, overflow skips). Returns the unscaled loss.
     */
    public static float step(TaskModel model, OptimStep optimStep, Optional<LossScaler> scaler,
            NDManager manager, Function<NDManager, Batch> batch) {
        try (NDManager step = manager.newSubManager()) {
            float loss = forwardBackward(model, manager, step, batch, scaler);
            optimStep.apply(step);
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
