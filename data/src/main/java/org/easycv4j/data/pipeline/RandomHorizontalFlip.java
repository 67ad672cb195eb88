package org.easycv4j.data.pipeline;

import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.data.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageBackend;

/** Mirrors left-right with probability {@code p} (default 0.5); works before or after ToTensor. */
public final class RandomHorizontalFlip implements Transform {
    private final double p;

    public record Settings(double p) {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings(node.numberIn("p", 0.5, 0.0, 1.0));
        }
    }

    public RandomHorizontalFlip(double p) {
        this.p = p;
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        if (rng.nextDouble() >= p) {
            return sample;
        }
        if (sample.image() instanceof ByteImage b) {
            return sample.withImage(flip(b));
        }
        return sample.withImage(flip((FloatImage) sample.image()));
    }

    public static ByteImage flip(ByteImage img) {
        int w = img.width();
        int c = img.channels();
        byte[] in = img.pixels();
        byte[] out = new byte[in.length];
        for (int y = 0; y < img.height(); y++) {
            int row = y * w * c;
            if (c == 3) {
                for (int x = 0, o = row + (w - 1) * 3; x < w; x++, o -= 3) {
                    int i = row + x * 3;
                    out[o] = in[i];
                    out[o + 1] = in[i + 1];
                    out[o + 2] = in[i + 2];
                }
            } else {
                for (int x = 0; x < w; x++) {
                    out[row + w - 1 - x] = in[row + x];
                }
            }
        }
        return new ByteImage(w, img.height(), c, out);
    }

    public static FloatImage flip(FloatImage img) {
        int w = img.width();
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int row = 0; row < img.channels() * img.height(); row++) {
            int o = row * w;
            for (int x = 0; x < w; x++) {
                out[o + w - 1 - x] = in[o + x];
            }
        }
        return new FloatImage(img.channels(), img.height(), w, out);
    }

    /** {@code type = RandomHorizontalFlip}. */
    public static final class Factory implements ComponentFactory<Settings, Transform> {
        @Override
        public String description() {
            return "horizontal flip with probability p";
        }

        @Override
        public Settings settings(ConfigNode node) {
            return Settings.fromConfig(node);
        }

        @Override
        public Transform create(Settings settings, BuildContext context) {
            return new RandomHorizontalFlip(settings.p());
        }
    }
}
