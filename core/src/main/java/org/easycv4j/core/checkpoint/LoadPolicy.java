package org.easycv4j.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Set;

/**
 * What {@link WeightLoader} tolerates when a file and a model differ. The default is strict: every parameter
 * present with its shape, no other tensor in the file (resuming, {@code load_from}, evaluation, export). A
 * model's {@code pretrained} loading relaxes it: a new head may be missing, the other model's parts (an MAE
 * decoder, a classifier head) are ignored, position embeddings are resized.
 */
public interface LoadPolicy {
    /** The strict policy. */
    LoadPolicy STRICT = new LoadPolicy() {};

    /**
     * Whether model parameter {@code name} may be absent from the file (it keeps its initial values) or, present
     * with another shape and not {@linkplain #adapt adapted}, skipped. Otherwise either is an error.
     * {@code fileKeys} are every name in the (renamed) file, e.g. to tell an encoder-only file from a full one.
     */
    default boolean mayBeMissing(String name, Set<String> fileKeys) {
        return false;
    }

    /** Whether file entry {@code key}, matching no parameter, belongs to another model's part (reported as ignored). */
    default boolean ignorable(String key) {
        return false;
    }

    /** Whether file entries that match no parameter and are not {@linkplain #ignorable ignorable} fail the load. */
    default boolean unexpectedIsError() {
        return true;
    }

    /**
     * {@code src} converted to {@code target}'s shape for parameter {@code name} (e.g. a position embedding
     * interpolated to another patch grid), or {@code null} when this parameter cannot be adapted.
     */
    default NDArray adapt(String name, NDArray src, Shape target) {
        return null;
    }
}
