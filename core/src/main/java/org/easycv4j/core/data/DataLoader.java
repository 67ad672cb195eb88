package org.easycv4j.core.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/** Iterates one epoch of batches at a time; batch arrays are created in the manager passed in. */
public interface DataLoader extends AutoCloseable {

    /** Batches in one epoch for this rank. */
    int batchesPerEpoch();

    /** The batches of one epoch; the order is a pure function of (seed, epoch). */
    Iterator<Batch> epoch(int epoch, NDManager manager);

    @Override
    default void close() {}
}
