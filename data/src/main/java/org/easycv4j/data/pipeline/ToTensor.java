package org.easycv4j.data.pipeline;

import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.data.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageBackend;

/** 8-bit HWC to float CHW in [0, 1], as torchvision's ToTensor. No keys. */
public final class ToTensor implements Transform {

    /** No settings. */
    public record Settings() {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings();
        }
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        if (sample.image() instanceof FloatImage) {
            throw new IllegalStateException("ToTensor: the image is already a tensor (ToTensor given twice?)");
        }
        return sample.withImage(convert((ByteImage) sample.image()));
    }

    private static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v * (1f / 255f);
        }
    }

    public static FloatImage convert(ByteImage img) {
        return convert(img, unitTables(img.channels()));
    }

    static float[][] unitTables(int channels) {
        float[][] luts = new float[channels][];
        java.util.Arrays.fill(luts, UNIT);
        return luts;
    }

    /** Like {@link #convert(ByteImage, float[][])} but into a (direct) buffer, plane by plane. */
    static void write(ByteImage img, float[][] luts, java.nio.FloatBuffer dst, int offset) {
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

    /** HWC bytes to CHW bytes (a plane per channel) into {@code dst} from byte {@code offset}. */
    static void writeBytes(ByteImage img, java.nio.ByteBuffer dst, int offset) {
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

    /** HWC bytes to CHW floats through one 256-entry table per channel (ToTensor, or ToTensor + Normalize). */
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

    /**
     * ToTensor directly followed by Normalize, done in one pass with per-channel tables; the values are
     * those of the two steps computed in float, to within one unit in the last place.
     */
    static final class Normalized implements Transform {
        private final Normalize normalize;

        Normalized(Normalize normalize) {
            this.normalize = normalize;
        }

        @Override
        public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
            if (sample.image() instanceof FloatImage) {
                throw new IllegalStateException("ToTensor: the image is already a tensor (ToTensor given twice?)");
            }
            ByteImage img = (ByteImage) sample.image();
            return sample.withImage(convert(img, normalize.tables(img.channels(), sample.origin())));
        }
    }

    /** {@code type = ToTensor}. */
    public static final class Factory implements ComponentFactory<Settings, Transform> {
        @Override
        public String description() {
            return "8-bit image to float CHW tensor in [0, 1]";
        }

        @Override
        public Settings settings(ConfigNode node) {
            return Settings.fromConfig(node);
        }

        @Override
        public Transform create(Settings settings, BuildContext context) {
            return new ToTensor();
        }
    }
}
