package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.data.Sample;
import org.easycv4j.data.image.ImageBackend;

/** Transforms applied in order. ToTensor directly followed by Normalize runs as one pass. */
public final class Pipeline {
    private final List<Transform> transforms;
    private final List<Transform> plan;

    public Pipeline(List<Transform> transforms) {
        this.transforms = List.copyOf(transforms);
        List<Transform> p = new java.util.ArrayList<>();
        for (int i = 0; i < transforms.size(); i++) {
            Transform t = transforms.get(i);
            if (t instanceof ToTensor && i + 1 < transforms.size() && transforms.get(i + 1) instanceof Normalize n) {
                p.add(new ToTensor.Normalized(n));
                i++;
            } else {
                p.add(t);
            }
        }
        this.plan = List.copyOf(p);
    }

    /** The transforms as configured. */
    public List<Transform> transforms() {
        return transforms;
    }

    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        Sample s = sample;
        for (Transform t : plan) {
            s = t.apply(s, rng, backend);
        }
        return s;
    }
}
