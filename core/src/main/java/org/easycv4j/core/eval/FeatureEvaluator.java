package org.easycv4j.core.eval;

import ai.djl.ndarray.NDArray;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.model.FeaturePooling;

/**
 * An evaluator of frozen features rather than of model outputs (the kNN probe): the validation loop hands its
 * {@link #update} the model's {@link org.easycv4j.core.model.TaskModel#features features} of each batch as the
 * first output, and before the pass the features and labels of a labelled {@link #bank()} set, extracted with the
 * same weights.
 */
public interface FeatureEvaluator extends Evaluator {

    /** How the model pools its tokens into the features this evaluator scores. */
    FeaturePooling pooling();

    /** The labelled reference set whose features {@link #setBank} receives before every pass. */
    Dataset bank();

    /**
     * The bank for the next pass: features (N, D) and int64 labels (N), on the device; the evaluator keeps what
     * it needs until the next call or {@link #close()}.
     */
    void setBank(NDArray features, NDArray labels);

    /** Frees what the evaluator keeps on the device. */
    void close();
}
