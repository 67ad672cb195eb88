package org.easycv4j.data.dataset;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of {@link BatchSlot}s shared by the workers and the consumer: as many as batches may be in
 * flight plus the one being handed out, so memory stays bounded however far the workers run ahead.
 */
final class SlotPool {
    private final AtomicInteger allocations = new AtomicInteger();
    private final BlockingQueue<BatchSlot> free;

    SlotPool(int slots) {
        free = new ArrayBlockingQueue<>(slots);
        for (int i = 0; i < slots; i++) {
            free.add(new BatchSlot(allocations));
        }
    }

    /** Waits for a free slot. */
    BatchSlot take() throws InterruptedException {
        return free.take();
    }

    /** Returns a slot taken with {@link #take()}. */
    void give(BatchSlot slot) {
        free.add(slot);
    }

    /** How many image buffers the slots allocated so far (reused buffers are not counted again). */
    int allocations() {
        return allocations.get();
    }
}
