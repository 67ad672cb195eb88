package org.easycv4j.data.dataset;

import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reusable host memory for one batch. The batch's image array may be created over {@link #images} without a
 * copy; while that array is open the buffer belongs to it, so a slot whose last array is still open gets fresh
 * memory and keeps the old buffer referenced until the array is closed.
 */
final class BatchSlot {
    /** Buffers still used by open arrays: {array, buffer}, kept reachable until the array is closed. */
    private final List<Object[]> retired = new ArrayList<>();
    private final AtomicInteger allocations;
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

    /** @param allocations counts every image buffer this slot allocates */
    BatchSlot(AtomicInteger allocations) {
        this.allocations = allocations;
    }

    /** Called by the worker before it writes: never overwrite memory an open batch array still uses. */
    void reclaim() {
        retired.removeIf(r -> ((NDArray) r[0]).isReleased());
        if (imagesView != null && !imagesView.isReleased()) {
            retired.add(new Object[] {imagesView, images});
            images = null;
            imageFloats = null;
        }
        imagesView = null;
    }

    /** Makes room for {@code batchSize} images of (c, h, w) with {@code elementBytes} per value. */
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
