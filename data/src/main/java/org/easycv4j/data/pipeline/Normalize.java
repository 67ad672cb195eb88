package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * (x - mean) / std per channel on a tensor. Keys: {@code mean}, {@code std} (lists of one value per channel,
 * default ImageNet's [0.485, 0.456, 0.406] / [0.229, 0.224, 0.225]; a single value applies to every channel).
 */
public final class Normalize implements ChannelMap {
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

    @Override
    public void mapTables(float[][] tables, String origin) {
        checkChannels(tables.length, origin);
        for (int ch = 0; ch < tables.length; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float k = invStd[mean.length == 1 ? 0 : ch];
            float[] t = tables[ch];
            for (int v = 0; v < t.length; v++) {
                t[v] = (t[v] - m) * k;
            }
        }
    }

    @Override
    public void mapAffine(float[] scale, float[] shift, String origin) {
        checkChannels(scale.length, origin);
        for (int ch = 0; ch < scale.length; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float k = invStd[mean.length == 1 ? 0 : ch];
            scale[ch] = scale[ch] * k;
            shift[ch] = (shift[ch] - m) * k;
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
}
