package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.data.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * Transforms applied in order. ToTensor directly followed by Normalize runs as one pass, and when that
 * conversion ends the pipeline (Collect aside) a batch loader may run only the {@link #head()} and write the
 * tensor straight into its batch buffer with {@link #writeTensor}.
 */
public final class Pipeline {
    private final List<Transform> transforms;
    private final List<Transform> plan;
    private final List<Transform> head;
    private final Normalize tailNormalize;
    private final boolean tailToTensor;

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
        int end = transforms.size();
        while (end > 0 && transforms.get(end - 1) instanceof Collect) {
            end--;
        }
        Normalize norm = null;
        boolean tail = false;
        int headEnd = end;
        if (end >= 2 && transforms.get(end - 2) instanceof ToTensor && transforms.get(end - 1) instanceof Normalize n) {
            norm = n;
            tail = true;
            headEnd = end - 2;
        } else if (end >= 1 && transforms.get(end - 1) instanceof ToTensor) {
            tail = true;
            headEnd = end - 1;
        }
        this.tailNormalize = norm;
        this.tailToTensor = tail;
        this.head = tail ? List.copyOf(transforms.subList(0, headEnd)) : plan;
    }

    /** True when the pipeline ends with ToTensor (+ Normalize), which {@link #writeTensor} can do in place. */
    public boolean endsWithToTensor() {
        return tailToTensor;
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
    public void writeTensor(ByteImage img, String origin, java.nio.FloatBuffer dst, int offset) {
        float[][] luts = tailNormalize != null ? tailNormalize.tables(img.channels(), origin)
                : ToTensor.unitTables(img.channels());
        ToTensor.write(img, luts, dst, offset);
    }

    /**
     * The final ToTensor (+ Normalize) as an affine map per channel, {@code value = byte * scale[c] + shift[c]}
     * ({@code {scale, shift}}), for an engine that converts 8-bit batches itself. Equal to {@link #writeTensor}'s
     * values to within float rounding.
     */
    public float[][] tailAffine(int channels, String origin) {
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = 1f / 255f;
        }
        if (tailNormalize != null) {
            tailNormalize.affine(channels, origin, scale, shift);
        }
        return new float[][] {scale, shift};
    }

    /** The 8-bit image as CHW bytes into {@code dst} from byte {@code offset} (for {@link #tailAffine}). */
    public static void writeBytes(ByteImage img, java.nio.ByteBuffer dst, int offset) {
        ToTensor.writeBytes(img, dst, offset);
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
