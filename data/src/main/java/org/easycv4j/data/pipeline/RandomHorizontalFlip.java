package org.easycv4j.data.pipeline;

import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
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
        if (sample.image() instanceof FloatImage f) {
            return sample.withImage(flip(f));
        }
        return sample.withImage(backend.mirror(TransformSettings.bytes(sample.image(), "RandomHorizontalFlip")));
    }

    public static ByteImage flip(ByteImage img) {
        return img.mirrored();
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
}
