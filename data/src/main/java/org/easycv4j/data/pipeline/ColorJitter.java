package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * torchvision's ColorJitter on the PIL-equivalent enhancers (EasyCV's DeiT configs: {@code brightness},
 * {@code contrast}, {@code saturation} 0.3): each set jitter draws a factor uniformly in
 * {@code [max(0, 1 - v), 1 + v]} (or in {@code [min, max]} when written as a pair), and the jitters apply in a
 * random order, as torchvision's {@code randperm}. {@code hue} is not implemented: only 0 is accepted.
 */
public final class ColorJitter implements Transform {

    /** Factor ranges of brightness, contrast and saturation; null when unset (0). */
    public record Settings(double[] brightness, double[] contrast, double[] saturation) {
        public static Settings fromConfig(ConfigNode node) {
            double hue = node.number("hue", 0.0);
            node.check(hue == 0, "hue", "hue jitter is not implemented; leave hue at 0");
            return new Settings(range(node, "brightness"), range(node, "contrast"), range(node, "saturation"));
        }

        private static double[] range(ConfigNode node, String key) {
            if (node.isList(key)) {
                List<Double> v = node.numbers(key, List.of());
                node.check(v.size() == 2 && v.get(0) >= 0 && v.get(0) <= v.get(1), key,
                        "expected [min, max] with 0 <= min <= max, got " + v);
                return v.size() == 2 ? new double[] {v.get(0), v.get(1)} : null;
            }
            double v = node.number(key, 0.0);
            node.check(v >= 0, key, "expected a number >= 0, got " + v);
            return v > 0 ? new double[] {Math.max(0, 1 - v), 1 + v} : null;
        }
    }

    private final Settings s;

    public ColorJitter(Settings s) {
        this.s = s;
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        ByteImage img = TransformSettings.bytes(sample.image(), "ColorJitter");
        int[] order = {0, 1, 2};
        for (int k = order.length - 1; k > 0; k--) { // a uniform permutation
            int j = rng.nextInt(k + 1);
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        for (int op : order) {
            double[] range = op == 0 ? s.brightness() : op == 1 ? s.contrast() : s.saturation();
            if (range == null) {
                continue;
            }
            double f = range[0] + (range[1] - range[0]) * rng.nextDouble();
            img = op == 0 ? ImageOps.brightness(img, f) : op == 1 ? ImageOps.contrast(img, f) : ImageOps.color(img, f);
        }
        return sample.withImage(img);
    }
}
