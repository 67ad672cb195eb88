package org.easycv4j.data.dataset;

import ai.djl.ndarray.NDManager;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.data.source.SampleAccess;
import org.easycv4j.data.source.StreamedSource;

/**
 * Batches an {@link ImageDataset}: {@code num_workers} threads ({@link WorkerPool}) decode and augment whole
 * batches ahead of the consumer (up to 2 per worker in flight), writing straight into reusable direct buffers
 * ({@link SlotPool}, {@link BatchAssembler}). The image array of a batch, created in the manager passed to
 * {@link #epoch} ({@link BatchArrays}), is a view of such a buffer (no copy): the buffer is reused only once
 * that array is closed, so close batches (or copy what you keep) and do not keep views of the input beyond the
 * batch; close a training batch only after backward, since autograd may have saved the input. With
 * {@code share_batch_memory = false} the array is a copy instead. With 0 workers everything runs on the
 * caller's thread.
 *
 * <p>Order: {@link EpochOrder}. Every random transform is seeded by (seed, epoch, sample index) and Mixup by
 * (seed, epoch, rank, batch), so the batches are identical for any number of workers.
 *
 * <p>With {@code engine_normalize} on (the default for GPU training), the workers write the images as uint8
 * and the batch array is made on the training device by the engine: a uint8 copy (a quarter of the bytes) then
 * {@code x * scale[c] + shift[c]}, the pipeline's final ToTensor + Normalize; the buffer is free again at once.
 *
 * <p>Batches: inputs.get(0) float32 (N, C, H, W); labels.get(0) int64 (N) class indices, or float32
 * (N, classes) soft targets when Mixup is configured; no labels for RawDataset.
 */
public final class ImageLoader implements DataLoader {
    private final ImageDataset dataset;
    private final EpochOrder order;
    private final LoaderSettings settings;
    private final BatchAssembler assembler;
    private final int prefetch;
    private final SlotPool slots;
    private final WorkerPool workers;
    private EpochIterator current;
    private boolean closed;

    ImageLoader(ImageDataset dataset, LoaderSettings settings) {
        this.dataset = dataset;
        if (settings.numWorkers() < 0) {
            throw new IllegalArgumentException("num_workers must be >= 0, got " + settings.numWorkers());
        }
        this.order = dataset.source() instanceof StreamedSource streamed
                ? new EpochOrder(streamed, settings, dataset.name())
                : new EpochOrder(dataset.size(), settings, dataset.name());
        this.settings = settings;
        this.assembler = new BatchAssembler(dataset, settings);
        this.prefetch = Math.max(1, 2 * settings.numWorkers());
        this.slots = new SlotPool(prefetch + 1);
        this.workers = settings.numWorkers() > 0 ? new WorkerPool(settings.numWorkers()) : null;
    }

    @Override
    public int batchesPerEpoch() {
        return order.batches();
    }

    /** The dataset indices this rank visits in {@code epoch}, in order. */
    public int[] order(int epoch) {
        return order.indices(epoch);
    }

    @Override
    public Iterator<Batch> epoch(int epoch, NDManager manager) {
        return epoch(epoch, manager, 0);
    }

    /** Batch b depends only on (seed, epoch, b): the skipped batches are neither read nor decoded. */
    @Override
    public synchronized Iterator<Batch> epoch(int epoch, NDManager manager, int first) {
        if (closed) {
            throw new IllegalStateException("the loader is closed");
        }
        if (first < 0 || first > order.batches()) {
            throw new IllegalArgumentException("batch " + first + " is not in [0, " + order.batches() + "]");
        }
        if (current != null) {
            current.abandon();
        }
        current = new EpochIterator(epoch, manager, order.indices(epoch), first);
        return current;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.abandon();
        }
        if (workers != null) {
            workers.close();
        }
    }

    /** How many batch image buffers were allocated so far (reused buffers are not counted again). */
    int bufferAllocations() {
        return slots.allocations();
    }

    /** True once {@link #close()} stopped the worker threads. */
    public boolean isTerminated() {
        return workers == null ? closed : workers.isTerminated();
    }

    /** One epoch: batches in order, prefetched by the workers; only the consumer's thread calls hasNext / next. */
    private final class EpochIterator implements Iterator<Batch> {
        private final int epoch;
        private final int[] indices;
        private final boolean uint8;
        private final BatchArrays arrays;
        private final ArrayDeque<Future<BatchSlot>> inFlight = new ArrayDeque<>();
        private final int batches = order.batches();
        private final SampleAccess access;
        private volatile boolean cancelled;
        private int submitted;
        private int returned;

        EpochIterator(int epoch, NDManager manager, int[] indices, int first) {
            this.epoch = epoch;
            this.indices = indices;
            this.submitted = first;
            this.returned = first;
            this.uint8 = dataset.engineNormalizes(manager.getDevice());
            this.arrays = new BatchArrays(dataset, manager, uint8);
            if (dataset.source() instanceof StreamedSource streamed) {
                int bs = settings.batchSize();
                this.access = streamed.open(epoch, settings, indices, Math.min(indices.length, first * bs),
                        Math.min(indices.length, batches * bs), (prefetch + 1) * bs);
            } else {
                this.access = SampleAccess.of(dataset.source());
            }
            topUp();
        }

        private void topUp() {
            if (workers == null) {
                return;
            }
            while (submitted < batches && submitted - returned < prefetch) {
                int b = submitted++;
                inFlight.add(workers.submit(() -> fillFreeSlot(b)));
            }
        }

        /** Takes a free slot and fills it with batch {@code b}; the slot goes back to the pool on failure. */
        private BatchSlot fillFreeSlot(int b) throws InterruptedException {
            BatchSlot slot = slots.take();
            try {
                assembler.fill(slot, epoch, indices, b, uint8, () -> cancelled, access);
                return slot;
            } catch (RuntimeException | Error e) {
                slots.give(slot);
                throw e;
            }
        }

        @Override
        public boolean hasNext() {
            return returned < batches && !cancelled;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            BatchSlot slot;
            if (workers == null) {
                try {
                    slot = fillFreeSlot(returned);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading a batch", e);
                }
            } else {
                slot = await(inFlight.poll());
            }
            try {
                returned++;
                return arrays.toBatch(slot);
            } finally {
                slots.give(slot);
                topUp();
                if (returned == batches) {
                    access.close();
                }
            }
        }

        private BatchSlot await(Future<BatchSlot> f) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a batch", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                abandon();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }

        /** Stops this epoch's work and returns its slots; used when a new epoch starts early or on close. */
        void abandon() {
            cancelled = true;
            access.close();
            Future<BatchSlot> f;
            while ((f = inFlight.poll()) != null) {
                try {
                    slots.give(f.get());
                } catch (ExecutionException | CancellationException e) {
                    // failed tasks returned their slot themselves
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
