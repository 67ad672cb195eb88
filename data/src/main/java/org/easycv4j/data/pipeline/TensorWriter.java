package org.easycv4j.data.pipeline;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * A step that turns the 8-bit image into the float tensor by a map of byte values per channel (ToTensor, and
 * ToTensor fused with the {@link ChannelMap}s after it). Because the map is known per byte value, a batch loader
 * that ends its pipeline with such a step writes the tensor straight into its batch buffer ({@link #write}), or
 * leaves the conversion to the engine as an affine map ({@link #affine}) on CHW bytes ({@link #writeBytes}).
 */
public interface TensorWriter extends Transform {

    /**
     * The map as one 256-entry table per channel, {@code value = tables[c][byte]}; equal to what
     * {@link #apply} computes. {@code origin} names the image in errors (e.g. a channel count that does not fit).
     */
    float[][] tables(int channels, String origin);

    /**
     * The map as {@code value = byte * scale[c] + shift[c]}, returned as {@code {scale, shift}}, for an engine
     * that converts 8-bit batches itself; equal to {@link #tables} to within float rounding.
     */
    float[][] affine(int channels, String origin);

    /**
     * This step followed by {@code next} as one step, when {@code next} only maps each value of a channel
     * (Normalize): one pass over the pixels instead of two.
     */
    default Optional<TensorWriter> fuse(Transform next) {
        return next instanceof ChannelMap map ? Optional.of(new MappedTensor(this, map)) : Optional.empty();
    }

    /** The tensor of {@code img} as CHW floats into {@code dst} from {@code offset}, without an intermediate array. */
    default void write(ByteImage img, String origin, FloatBuffer dst, int offset) {
        float[][] luts = tables(img.channels(), origin);
        int c = img.channels();
        int plane = img.width() * img.height();
        byte[] in = img.pixels();
        for (int ch = 0; ch < c; ch++) {
            float[] lut = luts[ch];
            int o = offset + ch * plane;
            for (int i = 0, p = ch; i < plane; i++, p += c) {
                dst.put(o + i, lut[in[p] & 0xFF]);
            }
        }
    }

    @Override
    default Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        if (sample.image() instanceof FloatImage) {
            throw new IllegalStateException("ToTensor: the image is already a tensor (ToTensor given twice?)");
        }
        ByteImage img = (ByteImage) sample.image();
        return sample.withImage(convert(img, tables(img.channels(), sample.origin())));
    }

    /** HWC bytes to CHW bytes (a plane per channel) into {@code dst} from byte {@code offset}, for {@link #affine}. */
    static void writeBytes(ByteImage img, ByteBuffer dst, int offset) {
        int c = img.channels();
        int plane = img.width() * img.height();
        byte[] in = img.pixels();
        if (c == 1) {
            dst.put(offset, in, 0, plane);
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            int o = offset + ch * plane;
            for (int i = 0, p = ch; i < plane; i++, p += c) {
                dst.put(o + i, in[p]);
            }
        }
    }

    /** HWC bytes to CHW floats through one 256-entry table per channel. */
    static FloatImage convert(ByteImage img, float[][] luts) {
        int c = img.channels();
        int plane = img.width() * img.height();
        byte[] in = img.pixels();
        float[] out = new float[plane * c];
        if (c == 3) {
            float[] l0 = luts[0];
            float[] l1 = luts[1];
            float[] l2 = luts[2];
            for (int i = 0, p = 0; i < plane; i++, p += 3) {
                out[i] = l0[in[p] & 0xFF];
                out[plane + i] = l1[in[p + 1] & 0xFF];
                out[2 * plane + i] = l2[in[p + 2] & 0xFF];
            }
        } else {
            float[] l0 = luts[0];
            for (int i = 0; i < plane; i++) {
                out[i] = l0[in[i] & 0xFF];
            }
        }
        return new FloatImage(c, img.height(), img.width(), out);
    }
}
