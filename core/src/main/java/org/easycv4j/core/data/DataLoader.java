package org.easycv4j.core.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/** Iterates one epoch of batches at a time; batch arrays are created in the manager passed in. */
public interface DataLoader extends AutoCloseable {

    /** Batches in one epoch for this rank. */
    int batchesPerEpoch();

    /** The batches of one epoch; the order is a pure function of (seed, epoch). */
    Iterator<Batch> epoch(int epoch, NDManager manager);

    /**
     * The batches of {@code epoch} from batch {@code first} on: exactly what {@link #epoch(int, NDManager)}
     * yields after its first {@code first} batches (a run resumed mid-epoch starts there). This default
     * produces and drops the skipped batches; a loader whose batch b is a function of (seed, epoch, b) starts at
     * {@code first} without producing them.
     */
    default Iterator<Batch> epoch(int epoch, NDManager manager, int first) {
        Iterator<Batch> all = epoch(epoch, manager);
        for (int b = 0; b < first && all.hasNext(); b++) {
            all.next().close();
        }
        return all;
    }

    @Override
    default void close() {}
}
