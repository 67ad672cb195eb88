package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * A hook with training state of its own (the EMA weights): written into every checkpoint folder as
 * {@link #checkpointFile()} (named tensors, safetensors) and handed back before {@code beforeRun} when a run
 * resumes from such a checkpoint.
 */
public interface CheckpointedHook extends Hook {

    /** The hooks of {@code hooks} whose state checkpoints hold, in order. */
    static List<CheckpointedHook> among(List<? extends Hook> hooks) {
        return hooks.stream().filter(CheckpointedHook.class::isInstance).map(CheckpointedHook.class::cast).toList();
    }

    /** The file name inside a checkpoint folder, e.g. {@code ema.safetensors}. */
    String checkpointFile();

    /** The tensors to save now, by name; an empty map writes no file. */
    Map<String, NDArray> checkpointTensors();

    /**
     * The tensors of the checkpoint a run resumes from, on the run's device; the hook owns (and closes) them.
     * Called before {@code beforeRun}.
     */
    void restore(Map<String, NDArray> tensors);

    /**
     * Called instead of {@link #restore} when the checkpoint resumed from has no {@link #checkpointFile()}: by
     * default a warning that the hook starts afresh; a hook that saves nothing when it has nothing to keep
     * overrides it.
     */
    default void restoreAbsent(Path checkpoint) {
        LoggerFactory.getLogger(getClass()).warn("{} has no {}: {} starts afresh from the resumed weights", checkpoint,
                checkpointFile(), getClass().getSimpleName());
    }
}
