package org.easycv4j.data.pipeline;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * Transforms applied in order. A {@link TensorWriter} (ToTensor) and the {@link ChannelMap}s (Normalize)
 * directly after it run as one pass, and when that step ends the pipeline (steps that
 * {@linkplain Transform#passesThrough pass samples through} aside) a batch loader may run only the
 * {@link #head()} and write the tensor straight into its batch buffer with {@link #writeTensor}.
 */
public final class Pipeline {
    private final List<Transform> transforms;
    private final List<Transform> plan;
    private final List<Transform> head;
    private final TensorWriter tail;

    public Pipeline(List<Transform> transforms) {
        this.transforms = List.copyOf(transforms);
        List<Transform> p = new ArrayList<>();
        for (Transform t : transforms) {
            Optional<TensorWriter> fused = !p.isEmpty() && p.get(p.size() - 1) instanceof TensorWriter w
                    ? w.fuse(t) : Optional.empty();
            if (fused.isPresent()) {
                p.set(p.size() - 1, fused.get());
            } else {
                p.add(t);
            }
        }
        this.plan = List.copyOf(p);
        int end = plan.size();
        while (end > 0 && plan.get(end - 1).passesThrough()) {
            end--;
        }
        this.tail = end > 0 && plan.get(end - 1) instanceof TensorWriter w ? w : null;
        this.head = tail != null ? plan.subList(0, end - 1) : plan;
    }

    /** True when the pipeline ends with ToTensor (+ Normalize), which {@link #writeTensor} can do in place. */
    public boolean endsWithToTensor() {
        return tail != null;
    }

    /** The transforms before the final ToTensor (+ Normalize); the whole plan when there is no such tail. */
    public List<Transform> head() {
        return head;
    }

    /** Runs {@link #head()} only. */
    public Sample applyHead(Sample sample, RandomGenerator rng, ImageBackend backend) {
        return run(head, sample, rng, backend);
    }

    /**
     * The final ToTensor (+ Normalize) of an 8-bit image written as CHW floats into {@code dst} from
     * {@code offset}: the same values {@link #apply} produces, without an intermediate array.
     */
    public void writeTensor(ByteImage img, String origin, FloatBuffer dst, int offset) {
        tail().write(img, origin, dst, offset);
    }

    /**
     * The final ToTensor (+ Normalize) as an affine map per channel, {@code value = byte * scale[c] + shift[c]}
     * ({@code {scale, shift}}), for an engine that converts 8-bit batches ({@link TensorWriter#writeBytes})
     * itself. Equal to {@link #writeTensor}'s values to within float rounding.
     */
    public float[][] tailAffine(int channels, String origin) {
        return tail().affine(channels, origin);
    }

    private TensorWriter tail() {
        if (tail == null) {
            throw new IllegalStateException("the pipeline does not end with ToTensor (+ Normalize)");
        }
        return tail;
    }

    /** The transforms as configured. */
    public List<Transform> transforms() {
        return transforms;
    }

    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        return run(plan, sample, rng, backend);
    }

    private static Sample run(List<Transform> steps, Sample sample, RandomGenerator rng, ImageBackend backend) {
        Sample s = sample;
        for (Transform t : steps) {
            s = t.apply(s, rng, backend);
        }
        return s;
    }
}
