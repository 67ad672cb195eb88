package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A hook with training state of its own (the EMA weights): written into every checkpoint folder as
 * {@link #checkpointFile()} (named tensors, safetensors) and handed back before {@code beforeRun} when a run
 * resumes from such a checkpoint.
 */
public interface CheckpointedHook extends Hook {

    /** The file name inside a checkpoint folder, e.g. {@code ema.safetensors}. */
    String checkpointFile();

    /** The tensors to save now, by name. */
    Map<String, NDArray> checkpointTensors();

    /**
     * The tensors of the checkpoint a run resumes from, on the run's device; the hook owns (and closes) them.
     * Called before {@code beforeRun}.
     */
    void restore(Map<String, NDArray> tensors);
}
