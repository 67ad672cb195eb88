package org.easycv4j.data.pipeline;

import java.util.random.RandomGenerator;
import org.easycv4j.data.Sample;
import org.easycv4j.data.image.ImageBackend;

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
     * True when, as a pipeline's first step, this transform also takes an
     * {@link org.easycv4j.data.image.EncodedImage} (and decodes it, raising an {@link java.io.UncheckedIOException}
     * around an {@link org.easycv4j.data.image.ImageDecodeException} for a bad file); other transforms only ever
     * see decoded images.
     */
    default boolean acceptsEncoded() {
        return false;
    }
}
