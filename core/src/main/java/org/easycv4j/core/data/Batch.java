package org.easycv4j.core.data;

import ai.djl.ndarray.NDList;

/**
 * One batch handed to a model: its inputs (e.g. images), its labels (possibly empty, for
 * self-supervised training) and the number of samples. Closing it frees the arrays.
 */
public record Batch(NDList inputs, NDList labels, int size) implements AutoCloseable {
    @Override
    public void close() {
        inputs.close();
        labels.close();
    }
}
