package org.easycv4j.data.dataset;

import java.nio.LongBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.source.SampleAccess;
import org.easycv4j.data.sample.Seeds;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.Image;
import org.easycv4j.data.pipeline.Mixup;
import org.easycv4j.data.pipeline.TensorWriter;

/**
 * Fills a {@link BatchSlot} with one batch on the host: produces its samples, writes their images (floats,
 * or uint8 for the engine to normalize) and labels, and applies Mixup / CutMix. Runs on a worker thread; every
 * random decision derives from (seed, epoch, sample index) and, for Mixup, (seed, epoch, rank, batch).
 */
final class BatchAssembler {
    private final ImageDataset dataset;
    private final LoaderSettings settings;

    BatchAssembler(ImageDataset dataset, LoaderSettings settings) {
        this.dataset = dataset;
        this.settings = settings;
    }

    /**
     * Writes batch {@code b} of the epoch whose order is {@code order} into {@code slot}.
     *
     * @param uint8 write the images as CHW bytes, for the engine's conversion, instead of the pipeline's floats
     * @param cancelled checked between samples; a true value stops with a {@link CancellationException}
     */
    void fill(BatchSlot slot, int epoch, int[] order, int b, boolean uint8, BooleanSupplier cancelled,
            SampleAccess access) {
        slot.reclaim();
        int start = b * settings.batchSize();
        int n = Math.min(settings.batchSize(), order.length - start);
        Mixup mixup = dataset.mixup().orElse(null);
        int classes = mixup == null ? 0 : mixup.numClasses();
        int chw = 0;
        for (int i = 0; i < n; i++) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("epoch abandoned");
            }
            Sample s = dataset.produce(settings.seed(), epoch, order[start + i], true, access);
            Image img = s.image();
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
                TensorWriter.writeBytes((ByteImage) img, slot.images, i * chw);
            } else if (img instanceof FloatImage f) {
                slot.imageFloats.put(i * chw, f.data());
            } else {
                dataset.pipeline().writeTensor((ByteImage) img, s.origin(), slot.imageFloats, i * chw);
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
            LongBuffer lb = slot.labels.asLongBuffer();
            for (int i = 0; i < n; i++) {
                lb.put(i, slot.labelInts[i]);
            }
        }
    }
}
