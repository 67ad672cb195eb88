package org.easycv4j.data.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.engine.TorchOps;

/**
 * Turns a filled {@link BatchSlot} into a {@link Batch} of arrays in one epoch's manager, on the consumer's
 * thread: a view of the slot's image buffer ({@code share_batch_memory}), a copy, or, for uint8 slots, the
 * engine's conversion and normalization on the manager's device. Label arrays are always copies.
 */
final class BatchArrays {
    private final ImageDataset dataset;
    private final NDManager manager;
    private final boolean uint8;
    private final boolean shareMemory;
    private NDArray scale;
    private NDArray shift;

    BatchArrays(ImageDataset dataset, NDManager manager, boolean uint8) {
        this.dataset = dataset;
        this.manager = manager;
        this.uint8 = uint8;
        this.shareMemory = dataset.shareBatchMemory();
    }

    /** The batch's arrays; with a shared image buffer the slot remembers the view, see {@link BatchSlot#reclaim}. */
    Batch toBatch(BatchSlot slot) {
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
    private NDArray normalizeOnEngine(BatchSlot slot, Shape shape) {
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
                NDArray raw = TorchOps.uint8ToDevice(scope, view(slot.images, (int) shape.size()), shape, scale)) {
            NDArray x = raw.toType(DataType.FLOAT32, false);
            x.attach(scope);
            NDArray out = x.muli(scale).addi(shift);
            out.attach(manager);
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

    private static ByteBuffer view(ByteBuffer buf, int bytes) {
        return buf.duplicate().position(0).limit(bytes).slice().order(ByteOrder.nativeOrder());
    }
}
