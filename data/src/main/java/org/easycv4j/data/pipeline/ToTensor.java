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

    public static FloatImage convert(ByteImage img) {
        int c = img.channels();
        int plane = img.width() * img.height();
        byte[] in = img.pixels();
        float[] out = new float[plane * c];
        float k = 1f / 255f;
        if (c == 3) {
            for (int i = 0, p = 0; i < plane; i++, p += 3) {
                out[i] = (in[p] & 0xFF) * k;
                out[plane + i] = (in[p + 1] & 0xFF) * k;
                out[2 * plane + i] = (in[p + 2] & 0xFF) * k;
            }
        } else {
            for (int i = 0; i < plane; i++) {
                out[i] = (in[i] & 0xFF) * k;
            }
        }
        return new FloatImage(c, img.height(), img.width(), out);
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
