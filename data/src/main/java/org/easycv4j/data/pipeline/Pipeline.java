package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.data.Sample;
import org.easycv4j.data.image.ImageBackend;

/** Transforms applied in order. */
public final class Pipeline {
    private final List<Transform> transforms;

    public Pipeline(List<Transform> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    public List<Transform> transforms() {
        return transforms;
    }

    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        Sample s = sample;
        for (Transform t : transforms) {
            s = t.apply(s, rng, backend);
        }
        return s;
    }
}
