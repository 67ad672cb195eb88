package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * EasyCV's {@code MMRandomErasing} (mmcls' RandomErasing), on the image before ToTensor: with probability
 * {@code erase_prob} one rectangle of {@code [min_area_ratio, max_area_ratio]} of the area, its aspect ratio
 * log-uniform in {@code aspect_range}, is filled: {@code mode = const} with {@code fill_color}, {@code rand}
 * with a colour per pixel, normal around {@code fill_color} with {@code fill_std} (truncated, clipped to
 * [0, 255]) or uniform in [0, 255] without it. The fill's channels are in the image's order (RGB), as EasyCV
 * applies them; its DeiT configs reverse the ImageNet mean for it.
 */
public final class MmRandomErasing implements Transform {

    /** The fill of the erased rectangle. */
    public enum Mode { CONST, RAND }

    public record Settings(double eraseProb, double minArea, double maxArea, double[] aspect, Mode mode,
            double[] fillColor, double[] fillStd) {
        public static Settings fromConfig(ConfigNode node) {
            double p = node.numberIn("erase_prob", 0.5, 0, 1);
            double lo = node.numberIn("min_area_ratio", 0.02, 0, 1);
            double hi = node.numberIn("max_area_ratio", 0.4, 0, 1);
            node.check(lo <= hi, "min_area_ratio", "min_area_ratio should be smaller than max_area_ratio");
            double[] aspect;
            if (node.isList("aspect_range")) {
                List<Double> a = node.numbers("aspect_range", List.of(0.3, 10 / 3.0));
                node.check(a.size() == 2 && a.get(0) > 0 && a.get(0) <= a.get(1), "aspect_range",
                        "expected [min, max] with 0 < min <= max, got " + a);
                aspect = a.size() == 2 ? new double[] {a.get(0), a.get(1)} : new double[] {0.3, 10 / 3.0};
            } else {
                double a = node.number("aspect_range", 0.3);
                node.check(a > 0, "aspect_range", "expected a positive number, got " + a);
                double m = a > 0 ? Math.min(a, 1 / a) : 0.3;
                aspect = new double[] {m, 1 / m};
            }
            Mode mode = node.choice("mode", Mode.CONST);
            double[] fill = color(node, "fill_color", 128);
            double[] std = node.has("fill_std") ? color(node, "fill_std", 0) : null;
            return new Settings(p, lo, hi, aspect, mode, fill, std);
        }

        private static double[] color(ConfigNode node, String key, double fallback) {
            if (node.isList(key)) {
                List<Double> v = node.numbers(key, List.of(fallback, fallback, fallback));
                node.check(v.size() == 3, key, "expected one number or three, got " + v);
                return v.size() == 3 ? new double[] {v.get(0), v.get(1), v.get(2)}
                        : new double[] {fallback, fallback, fallback};
            }
            double v = node.number(key, fallback);
            return new double[] {v, v, v};
        }
    }

    private final Settings s;

    public MmRandomErasing(Settings s) {
        this.s = s;
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        if (rng.nextDouble() > s.eraseProb()) {
            return sample;
        }
        ByteImage img = TransformSettings.bytes(sample.image(), "MMRandomErasing");
        int ih = img.height();
        int iw = img.width();
        double aspect = Math.exp(RandomResizedCrop.uniform(rng, Math.log(s.aspect()[0]), Math.log(s.aspect()[1])));
        double area = (double) ih * iw * RandomResizedCrop.uniform(rng, s.minArea(), s.maxArea());
        int h = (int) Math.min(Math.rint(Math.sqrt(area * aspect)), ih); // Python's round: half to even
        int w = (int) Math.min(Math.rint(Math.sqrt(area / aspect)), iw);
        // numpy's randint(0, n) never draws n itself
        int top = ih > h ? rng.nextInt(ih - h) : 0;
        int left = iw > w ? rng.nextInt(iw - w) : 0;
        int c = img.channels();
        byte[] p = img.pixels().clone();
        for (int y = top; y < top + h; y++) {
            for (int x = left; x < left + w; x++) {
                for (int k = 0; k < c; k++) {
                    p[(y * iw + x) * c + k] = (byte) fill(k, rng);
                }
            }
        }
        return sample.withImage(new ByteImage(iw, ih, c, p));
    }

    private int fill(int k, RandomGenerator rng) {
        double mean = s.fillColor()[Math.min(k, 2)];
        if (s.mode() == Mode.CONST) {
            return (int) mean & 0xFF; // numpy's uint8 cast
        }
        if (s.fillStd() == null) {
            return (int) RandomResizedCrop.uniform(rng, 0, 256);
        }
        int v = (int) (mean + s.fillStd()[Math.min(k, 2)] * rng.nextGaussian()); // int32 cast truncates
        return Math.max(0, Math.min(255, v));
    }
}
