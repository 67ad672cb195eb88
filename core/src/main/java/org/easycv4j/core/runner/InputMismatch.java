package org.easycv4j.core.runner;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.Shape;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.TaskModel;

/**
 * Turns an engine failure on a batch the model cannot take (grey images into an RGB model, 32-pixel crops into
 * a 224 model) into one line that says what the data gives, what the model takes and what to change. Only asked
 * after a forward pass failed: models that accept other input sizes than {@link TaskModel#inputShapes} names are
 * never second-guessed, and the hot loop does no extra work.
 */
final class InputMismatch {
    private InputMismatch() {}

    /** The explanation when the batch's first input differs from the model's in any but the batch dimension. */
    static RuntimeException explain(TaskModel model, Batch batch, EngineException failure) {
        if (batch.inputs().isEmpty()) {
            return failure;
        }
        Shape got = batch.inputs().get(0).getShape();
        Shape[] wanted = model.inputShapes(Math.max(1, batch.size()));
        if (wanted.length == 0) {
            return failure;
        }
        Shape want = wanted[0];
        if (got.dimension() == want.dimension() && got.slice(1).equals(want.slice(1))) {
            return failure;
        }
        String name = model.getClass().getSimpleName();
        String hint = "";
        if (got.dimension() == 4 && want.dimension() == 4 && got.get(1) != want.get(1)) {
            if (got.get(1) == 1 && want.get(1) == 3) {
                hint = "; the images are grey: set to_rgb = true on the data source to repeat the grey channel";
            } else if (got.get(1) == 3 && want.get(1) == 1) {
                hint = "; the images are RGB: give the model 3 input channels (in_chans), or train on grey images";
            } else {
                hint = "; give the model " + got.get(1) + " input channels (in_chans)";
            }
        } else if (got.dimension() == 4 && want.dimension() == 4) {
            hint = "; resize in the pipeline (Resize, RandomResizedCrop or CenterCrop size " + want.get(2)
                    + ") or set the model's img_size to " + got.get(2);
        } else if (got.dimension() == 4 && want.dimension() == 2) {
            hint = "; the model takes " + want.get(1) + " values per sample, the images have " + got.slice(1).size()
                    + " (channels x height x width)";
        }
        return new IllegalArgumentException("the batch's images are " + got.slice(1) + " per sample, but model "
                + name + " takes " + want.slice(1) + hint + " (the engine said: " + firstLine(failure) + ")", failure);
    }

    private static String firstLine(EngineException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
