package org.easycv4j.data.pipeline;

import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * timm's RandomErasing on a normalized tensor: with probability {@code p}, erase {@code count} rectangles
 * (each of area uniform in [min_area, max_area] / count of the image, log-uniform aspect in
 * [min_aspect, max_aspect], up to 10 tries each) with per-pixel normal noise ("pixel"), per-channel noise
 * ("rand") or zeros ("const"). Keys: {@code p} (0.5), {@code mode} ("const"), {@code count} (1; timm's
 * max_count), {@code min_count} (= count), {@code min_area} (0.02), {@code max_area} (1/3),
 * {@code min_aspect} (0.3), {@code max_aspect} (1 / min_aspect).
 */
public final class RandomErasing implements Transform {
    private final Settings s;

    /** What fills an erased rectangle ({@code mode}). */
    public enum Mode {
        /** Zeros. */
        CONST,
        /** One normal draw per channel. */
        RAND,
        /** One normal draw per pixel and channel. */
        PIXEL
    }

    public record Settings(double p, Mode mode, int minCount, int maxCount, double minArea, double maxArea,
            double minAspect, double maxAspect) {
        public static Settings fromConfig(ConfigNode node) {
            double p = node.numberIn("p", 0.5, 0, 1);
            Mode mode = node.choice("mode", Mode.CONST);
            int count = node.integerAtLeast("count", 1, 1);
            int minCount = node.integerAtLeast("min_count", count, 1);
            node.check(minCount <= count, "min_count", "expected min_count <= count (" + count + ")");
            double minArea = node.numberIn("min_area", 0.02, 0, 1);
            double maxArea = node.numberIn("max_area", 1.0 / 3.0, 0, 1);
            node.check(minArea <= maxArea, "max_area", "expected max_area >= min_area");
            double minAspect = node.number("min_aspect", 0.3);
            node.check(minAspect > 0, "min_aspect", "expected a number > 0");
            double maxAspect = node.number("max_aspect", 1.0 / Math.max(minAspect, 1e-9));
            node.check(maxAspect >= minAspect, "max_aspect", "expected max_aspect >= min_aspect");
            return new Settings(p, mode, minCount, count, minArea, maxArea, Math.max(minAspect, 1e-9), maxAspect);
        }
    }

    public RandomErasing(Settings s) {
        this.s = s;
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        FloatImage img = TransformSettings.floats(sample.image(), "RandomErasing");
        erase(img, rng);
        return sample;
    }

    /** Erases in place; returns the number of pixels (per channel) erased. */
    public int erase(FloatImage img, RandomGenerator rng) {
        if (rng.nextDouble() > s.p()) {
            return 0;
        }
        int h0 = img.height();
        int w0 = img.width();
        int ch = img.channels();
        double area = (double) h0 * w0;
        int count = s.minCount() == s.maxCount() ? s.minCount() : s.minCount() + rng.nextInt(s.maxCount() - s.minCount() + 1);
        double logLo = Math.log(s.minAspect());
        double logHi = Math.log(s.maxAspect());
        float[] d = img.data();
        int plane = h0 * w0;
        int erased = 0;
        for (int n = 0; n < count; n++) {
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = RandomResizedCrop.uniform(rng, s.minArea(), s.maxArea()) * area / count;
                double aspect = Math.exp(RandomResizedCrop.uniform(rng, logLo, logHi));
                int h = (int) Math.round(Math.sqrt(target * aspect));
                int w = (int) Math.round(Math.sqrt(target / aspect));
                if (w < w0 && h < h0) {
                    int top = rng.nextInt(h0 - h + 1);
                    int left = rng.nextInt(w0 - w + 1);
                    float[] perChannel = new float[ch];
                    if (s.mode() == Mode.RAND) {
                        for (int c = 0; c < ch; c++) {
                            perChannel[c] = (float) rng.nextGaussian();
                        }
                    }
                    for (int c = 0; c < ch; c++) {
                        for (int y = top; y < top + h; y++) {
                            int row = c * plane + y * w0;
                            for (int x = left; x < left + w; x++) {
                                d[row + x] = s.mode() == Mode.PIXEL ? (float) rng.nextGaussian() : perChannel[c];
                            }
                        }
                    }
                    erased += w * h;
                    break;
                }
            }
        }
        return erased;
    }
}
