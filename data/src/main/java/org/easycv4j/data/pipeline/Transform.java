package org.easycv4j.data.pipeline;

import java.util.random.RandomGenerator;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.EncodedImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageDecodeException;

/**
 * One step of a pipeline. Random decisions draw only from {@code rng}, which the loader seeds from
 * (seed, epoch, sample index), so a transform must keep no mutable state of its own. Thread-safe.
 */
public interface Transform {

    /**
     * Transforms a sample; bad input shape (e.g. Normalize before ToTensor) raises an
     * {@link IllegalStateException} naming the transform.
     */
    Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend);

    /**
     * True for a step that returns every sample unchanged (EasyCV's Collect), so a batch loader may treat the
     * step before it as the pipeline's last.
     */
    default boolean passesThrough() {
        return false;
    }

    /**
     * True when, as a pipeline's first step, this transform also takes an {@link EncodedImage} (and decodes it,
     * raising an {@link java.io.UncheckedIOException} around an {@link ImageDecodeException} for a bad file); other
     * transforms only ever see decoded images.
     */
    default boolean acceptsEncoded() {
        return false;
    }
}
