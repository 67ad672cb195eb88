package org.easycv4j.data.dataset;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.engine.TorchOps;
import org.easycv4j.data.Sample;
import org.easycv4j.data.Seeds;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.pipeline.Mixup;

/**
 * Batches an {@link ImageDataset}: {@code num_workers} threads decode and augment whole batches ahead of the
 * consumer (up to 2 per worker in flight), writing straight into reusable direct buffers. The image array of
 * a batch, created in the manager passed to {@link #epoch}, is a view of such a buffer (no copy): the buffer is
 * reused only once that array is closed, so close batches (or copy what you keep) and do not keep views of
 * the input beyond the batch; close a training batch only after backward, since autograd may have saved the
 * input. With {@code share_batch_memory = false} the array is a copy instead. With
 * 0 workers everything runs on the caller's thread.
 *
 * <p>Order: the epoch's permutation is a function of (seed, epoch); it is padded cyclically to a multiple of
 * the world size and rank r takes every world-size-th index from r (torch's DistributedSampler). Every
 * random transform is seeded by (seed, epoch, sample index) and Mixup by (seed, epoch, rank, batch), so the
 * batches are identical for any number of workers.
 *
 * <p>With {@code engine_normalize} on (the default for GPU training), the workers write the images as uint8
 * and the batch array is made on the training device by the engine: a uint8 copy (a quarter of the bytes) then
 * {@code x * scale[c] + shift[c]}, the pipeline's final ToTensor + Normalize; the buffer is free again at once.
 *
 * <p>Batches: inputs.get(0) float32 (N, C, H, W); labels.get(0) int64 (N) class indices, or float32
 * (N, classes) soft targets when Mixup is configured; no labels for RawDataset.
 */
public final class ImageLoader implements DataLoader {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final AtomicInteger bufferAllocations = new AtomicInteger();

    private final ImageDataset dataset;
    private final LoaderSettings settings;
    private final boolean shareMemory;
    private final int perRank;
    private final int batches;
    private final int prefetch;
    private final ExecutorService workers;
    private final BlockingQueue<Slot> freeSlots;
    private EpochIterator current;
    private boolean closed;

    ImageLoader(ImageDataset dataset, LoaderSettings settings) {
        this.dataset = dataset;
        this.settings = settings;
        this.shareMemory = dataset.shareBatchMemory();
        int n = dataset.size();
        if (n == 0) {
            throw new IllegalArgumentException(dataset.name() + ": the data source has no samples");
        }
        if (settings.numWorkers() < 0) {
            throw new IllegalArgumentException("num_workers must be >= 0, got " + settings.numWorkers());
        }
        this.perRank = (n + settings.worldSize() - 1) / settings.worldSize();
        this.batches = settings.dropLast() ? perRank / settings.batchSize()
                : (perRank + settings.batchSize() - 1) / settings.batchSize();
        if (batches == 0) {
            throw new IllegalArgumentException(dataset.name() + ": " + perRank + " samples per rank make no full batch of "
                    + settings.batchSize() + " with drop_last; lower the batch size or set drop_last = false");
        }
        this.prefetch = Math.max(1, 2 * settings.numWorkers());
        this.freeSlots = new ArrayBlockingQueue<>(prefetch + 1);
        for (int i = 0; i <= prefetch; i++) {
            freeSlots.add(new Slot(bufferAllocations));
        }
        if (settings.numWorkers() > 0) {
            this.workers = Executors.newFixedThreadPool(settings.numWorkers(), r -> {
                Thread t = new Thread(r, "easycv4j-data-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.workers = null;
        }
    }

    @Override
    public int batchesPerEpoch() {
        return batches;
    }

    /** The dataset indices this rank visits in {@code epoch}, in order. */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        if (settings.shuffle()) {
            SplittableRandom rng = Seeds.forOrder(settings.seed(), epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
        }
        int[] mine = new int[perRank];
        for (int k = 0; k < perRank; k++) {
            mine[k] = perm[(int) ((settings.rank() + (long) k * settings.worldSize()) % n)];
        }
        return mine;
    }

    @Override
    public synchronized Iterator<Batch> epoch(int epoch, NDManager manager) {
        if (closed) {
            throw new IllegalStateException("the loader is closed");
        }
        if (current != null) {
            current.abandon();
        }
        current = new EpochIterator(epoch, manager, order(epoch));
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
            workers.shutdownNow();
            try {
                workers.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How many batch image buffers were allocated so far (reused buffers are not counted again). */
    int bufferAllocations() {
        return bufferAllocations.get();
    }

    /** True once {@link #close()} stopped the worker threads. */
    public boolean isTerminated() {
        return workers == null ? closed : workers.isTerminated();
    }

    /**
     * Reusable memory for one batch. The batch's image array is created over {@link #images} without a copy;
     * while that array is open the buffer belongs to it, so a slot whose last array is still open gets fresh
     * memory and keeps the old buffer referenced until the array is closed.
     */
    static final class Slot {
        final java.util.List<Object[]> retired = new java.util.ArrayList<>();
        final AtomicInteger allocations;
        NDArray imagesView;
        ByteBuffer images;
        FloatBuffer imageFloats;
        ByteBuffer labels;
        ByteBuffer targets;
        int[] labelInts;
        float[] targetFloats;
        int n;
        int c;
        int h;
        int w;
        int classes;

        /** Called by the worker before it writes: never overwrite memory an open batch array still uses. */
        Slot(AtomicInteger allocations) {
            this.allocations = allocations;
        }

        void reclaim() {
            retired.removeIf(r -> ((NDArray) r[0]).isReleased());
            if (imagesView != null && !imagesView.isReleased()) {
                retired.add(new Object[] {imagesView, images});
                images = null;
                imageFloats = null;
            }
            imagesView = null;
        }

        void ensure(int batchSize, int c, int h, int w, int classes, int elementBytes) {
            int bytes = batchSize * c * h * w * elementBytes;
            if (images == null || images.capacity() < bytes) {
                allocations.incrementAndGet();
                images = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
                imageFloats = images.asFloatBuffer();
            }
            if (labels == null || labels.capacity() < batchSize * Long.BYTES) {
                labels = ByteBuffer.allocateDirect(batchSize * Long.BYTES).order(ByteOrder.nativeOrder());
                labelInts = new int[batchSize];
            }
            if (classes > 0 && (targets == null || targets.capacity() < batchSize * classes * Float.BYTES)) {
                targets = ByteBuffer.allocateDirect(batchSize * classes * Float.BYTES).order(ByteOrder.nativeOrder());
                targetFloats = new float[batchSize * classes];
            }
            this.c = c;
            this.h = h;
            this.w = w;
            this.classes = classes;
        }
    }

    /** One epoch; only the consumer's thread calls hasNext / next. */
    private final class EpochIterator implements Iterator<Batch> {
        private final int epoch;
        private final NDManager manager;
        private final int[] order;
        private final boolean uint8;
        private NDArray scale;
        private NDArray shift;
        private final ArrayDeque<Future<Slot>> inFlight = new ArrayDeque<>();
        private volatile boolean cancelled;
        private int submitted;
        private int returned;

        EpochIterator(int epoch, NDManager manager, int[] order) {
            this.epoch = epoch;
            this.manager = manager;
            this.order = order;
            this.uint8 = dataset.engineNormalizes(manager.getDevice());
            topUp();
        }

        private void topUp() {
            if (workers == null) {
                return;
            }
            while (submitted < batches && submitted - returned < prefetch) {
                int b = submitted++;
                inFlight.add(workers.submit(() -> fillWithFreeSlot(b)));
            }
        }

        private Slot fillWithFreeSlot(int b) throws InterruptedException {
            Slot slot = freeSlots.take();
            try {
                fill(slot, b);
                return slot;
            } catch (RuntimeException | Error e) {
                freeSlots.add(slot);
                throw e;
            }
        }

        private void fill(Slot slot, int b) {
            slot.reclaim();
            int start = b * settings.batchSize();
            int n = Math.min(settings.batchSize(), order.length - start);
            Mixup mixup = dataset.mixup().orElse(null);
            int classes = mixup == null ? 0 : mixup.numClasses();
            int chw = 0;
            for (int i = 0; i < n; i++) {
                if (cancelled) {
                    throw new CancellationException("epoch abandoned");
                }
                Sample s = dataset.produce(settings.seed(), epoch, order[start + i], true);
                org.easycv4j.data.image.Image img = s.image();
                if (i == 0) {
                    slot.ensure(settings.batchSize(), img.channels(), img.height(), img.width(), classes,
                            uint8 ? 1 : Float.BYTES);
                    chw = img.channels() * img.height() * img.width();
                } else if (img.channels() != slot.c || img.height() != slot.h || img.width() != slot.w) {
                    throw new IllegalStateException(dataset.name() + ": sample " + s.origin() + " has shape "
                            + img.shapeText() + " but the batch has (" + slot.c + ", " + slot.h + ", " + slot.w
                            + "); the pipeline must produce one size (RandomResizedCrop or Resize + CenterCrop)");
                }
                if (uint8) {
                    org.easycv4j.data.pipeline.Pipeline.writeBytes((org.easycv4j.data.image.ByteImage) img,
                            slot.images, i * chw);
                } else if (img instanceof FloatImage f) {
                    slot.imageFloats.put(i * chw, f.data());
                } else {
                    dataset.pipeline().writeTensor((org.easycv4j.data.image.ByteImage) img, s.origin(), slot.imageFloats,
                            i * chw);
                }
                slot.labelInts[i] = s.label();
            }
            slot.n = n;
            if (mixup != null) {
                for (int i = 0; i < n; i++) {
                    if (slot.labelInts[i] >= classes) {
                        throw new IllegalStateException(dataset.name() + ": label " + slot.labelInts[i]
                                + " >= mixup.num_classes " + classes);
                    }
                }
                long batchKey = ((long) settings.rank() << 32) | b;
                mixup.apply(slot.imageFloats, n, slot.c, slot.h, slot.w, slot.labelInts, slot.targetFloats,
                        Seeds.forBatch(settings.seed(), epoch, batchKey));
                slot.targets.asFloatBuffer().put(0, slot.targetFloats, 0, n * classes);
            } else {
                java.nio.LongBuffer lb = slot.labels.asLongBuffer();
                for (int i = 0; i < n; i++) {
                    lb.put(i, slot.labelInts[i]);
                }
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
            int b = returned;
            Slot slot;
            if (workers == null) {
                try {
                    slot = freeSlots.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading a batch", e);
                }
                try {
                    fill(slot, b);
                } catch (RuntimeException | Error e) {
                    freeSlots.add(slot);
                    throw e;
                }
            } else {
                slot = await(inFlight.poll());
            }
            try {
                returned++;
                return toBatch(slot);
            } finally {
                freeSlots.add(slot);
                topUp();
            }
        }

        private Slot await(Future<Slot> f) {
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

        private Batch toBatch(Slot slot) {
            int n = slot.n;
            NDArray images;
            Shape shape = new Shape(n, slot.c, slot.h, slot.w);
            int bytes = n * slot.c * slot.h * slot.w * Float.BYTES;
            if (uint8) {
                images = normalizeOnEngine(slot, shape);
            } else if (shareMemory) {
                images = manager.create(view(slot.images, bytes), shape, DataType.FLOAT32);
                slot.imagesView = images;
            } else {
                images = copy(slot.images, bytes, shape, DataType.FLOAT32);
            }
            NDList labels = new NDList();
            if (dataset.labelled()) {
                if (slot.classes > 0) {
                    labels.add(copy(slot.targets, n * slot.classes * Float.BYTES, new Shape(n, slot.classes), DataType.FLOAT32));
                } else {
                    labels.add(copy(slot.labels, n * Long.BYTES, new Shape(n), DataType.INT64));
                }
            }
            return new Batch(new NDList(images), labels, n);
        }

        /** The uint8 batch copied to the manager's device, then converted and normalized there. */
        private NDArray normalizeOnEngine(Slot slot, Shape shape) {
            if (scale == null) {
                float[][] affine = dataset.pipeline().tailAffine(slot.c, dataset.name());
                // Made once per epoch, on the device: nothing small crosses to the device per step.
                try (NDArray s = manager.create(affine[0], new Shape(1, slot.c, 1, 1));
                        NDArray t = manager.create(affine[1], new Shape(1, slot.c, 1, 1))) {
                    // Copies: an array created from a Java array may alias it.
                    scale = s.duplicate();
                    shift = t.duplicate();
                }
            }
            try (NDManager scope = manager.newSubManager();
                    NDArray raw = toDevice(scope, view(slot.images, (int) shape.size()), shape)) {
                NDArray x = raw.toType(DataType.FLOAT32, false);
                x.attach(scope);
                NDArray out = x.muli(scale).addi(shift);
                out.attach(manager);
                return out;
            }
        }

        /**
         * The uint8 bytes of {@code buf} as an array on {@code scope}'s device. To a GPU they go through page-locked
         * memory with a copy that does not block the host ({@link TorchOps#pinnedToDevice}), so the step's work is
         * queued behind the copy instead of waiting for it; DJL's own transfer is a synchronous copy from pageable
         * memory. The buffer may be refilled as soon as this returns (the bytes were copied into the pinned block).
         */
        private NDArray toDevice(NDManager scope, ByteBuffer buf, Shape shape) {
            if (!scope.getDevice().isGpu() || !TorchOps.available()) {
                return scope.create(buf, shape, DataType.UINT8);
            }
            try (NDManager host = NDManager.newBaseManager(Device.cpu());
                    NDArray alias = host.create(buf, shape, DataType.UINT8)) {
                NDArray out = TorchOps.get().pinnedToDevice(alias, scale);
                out.attach(scope);
                return out;
            }
        }

        /**
         * PyTorch wraps a direct buffer without copying, so the reusable buffer is wrapped only for the moment
         * of one native copy into the manager's own memory.
         */
        private NDArray copy(ByteBuffer buf, int bytes, Shape shape, DataType type) {
            try (NDArray alias = manager.create(view(buf, bytes), shape, type)) {
                return alias.duplicate();
            }
        }

        private ByteBuffer view(ByteBuffer buf, int bytes) {
            return buf.duplicate().position(0).limit(bytes).slice().order(ByteOrder.nativeOrder());
        }

        /** Stops this epoch's work and returns its slots; used when a new epoch starts early or on close. */
        void abandon() {
            cancelled = true;
            Future<Slot> f;
            while ((f = inFlight.poll()) != null) {
                try {
                    freeSlots.add(f.get());
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
