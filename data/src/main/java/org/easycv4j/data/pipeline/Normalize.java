package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.data.Sample;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * (x - mean) / std per channel on a tensor. Keys: {@code mean}, {@code std} (lists of one value per channel,
 * default ImageNet's [0.485, 0.456, 0.406] / [0.229, 0.224, 0.225]; a single value applies to every channel).
 */
public final class Normalize implements Transform {
    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

    private final float[] mean;
    private final float[] invStd;

    public record Settings(List<Double> mean, List<Double> std) {
        public static Settings fromConfig(ConfigNode node) {
            List<Double> mean = node.numbers("mean", IMAGENET_MEAN);
            List<Double> std = node.numbers("std", IMAGENET_STD);
            node.check(!mean.isEmpty(), "mean", "expected at least one value");
            node.check(mean.size() == std.size(), "std", "expected as many values as mean (" + mean.size() + "), got " + std.size());
            node.check(std.stream().allMatch(v -> v > 0), "std", "expected values > 0, got " + std);
            return new Settings(mean, std);
        }
    }

    public Normalize(Settings s) {
        mean = new float[s.mean().size()];
        invStd = new float[s.std().size()];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = s.mean().get(i).floatValue();
            invStd[i] = (float) (1.0 / s.std().get(i));
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<Integer, float[][]> tables = new java.util.concurrent.ConcurrentHashMap<>();

    /** Per-channel tables byte -> (byte / 255 - mean) / std, for the fused ToTensor + Normalize. */
    float[][] tables(int channels, String origin) {
        checkChannels(channels, origin);
        return tables.computeIfAbsent(channels, c -> {
            float[][] t = new float[c][256];
            for (int ch = 0; ch < c; ch++) {
                float m = mean[mean.length == 1 ? 0 : ch];
                float k = invStd[mean.length == 1 ? 0 : ch];
                for (int v = 0; v < 256; v++) {
                    t[ch][v] = (v * (1f / 255f) - m) * k;
                }
            }
            return t;
        });
    }

    /** Folds this step into ToTensor's {@code byte / 255}: {@code scale[c] = invStd / 255, shift[c] = -mean * invStd}. */
    void affine(int channels, String origin, float[] scale, float[] shift) {
        checkChannels(channels, origin);
        for (int ch = 0; ch < channels; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float k = invStd[mean.length == 1 ? 0 : ch];
            scale[ch] = (float) (k / 255.0);
            shift[ch] = -m * k;
        }
    }

    private void checkChannels(int c, String origin) {
        if (mean.length != 1 && mean.length != c) {
            throw new IllegalStateException("Normalize has " + mean.length + " means but the image " + origin
                    + " has " + c + " channels (set to_rgb = true on the data source, or give " + c + " values)");
        }
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        FloatImage img = TransformSettings.floats(sample.image(), "Normalize");
        int c = img.channels();
        checkChannels(c, sample.origin());
        int plane = img.width() * img.height();
        float[] d = img.data();
        for (int ch = 0; ch < c; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float k = invStd[mean.length == 1 ? 0 : ch];
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                d[i] = (d[i] - m) * k;
            }
        }
        return sample;
    }

    /** {@code type = Normalize}. */
    public static final class Factory implements ComponentFactory<Settings, Transform> {
        @Override
        public String description() {
            return "(x - mean) / std per channel";
        }

        @Override
        public Settings settings(ConfigNode node) {
            return Settings.fromConfig(node);
        }

        @Override
        public Transform create(Settings settings, BuildContext context) {
            return new Normalize(settings);
        }
    }
}
