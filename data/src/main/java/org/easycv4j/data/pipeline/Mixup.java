package org.easycv4j.data.pipeline;

import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;

/**
 * timm's batch-mode Mixup / CutMix with label smoothing. Per batch: with probability {@code prob} mix; when
 * both alphas are positive choose CutMix with probability {@code switch_prob}; lambda ~ Beta(alpha, alpha).
 * Sample i is mixed with sample N-1-i (the batch flipped). CutMix pastes a box of area ~(1 - lambda) and,
 * with {@code correct_lam}, recomputes lambda from the clipped box. Targets:
 * {@code lam * smooth(y_i) + (1 - lam) * smooth(y_{N-1-i})}, smooth = (1 - s + s/C) on the class, s/C elsewhere.
 * Keys (the dataset's {@code mixup} object): {@code mixup_alpha} (0.8), {@code cutmix_alpha} (1.0),
 * {@code prob} (1.0), {@code switch_prob} (0.5), {@code label_smoothing} (0.1), {@code correct_lam} (true),
 * {@code num_classes} (default: the data source's class count).
 */
public final class Mixup {

    public record Settings(double mixupAlpha, double cutmixAlpha, double prob, double switchProb,
            double labelSmoothing, boolean correctLam, Optional<Integer> numClasses) {
        public static Settings fromConfig(ConfigNode node) {
            double mixup = node.number("mixup_alpha", 0.8);
            double cutmix = node.number("cutmix_alpha", 1.0);
            node.check(mixup >= 0, "mixup_alpha", "expected a number >= 0");
            node.check(cutmix >= 0, "cutmix_alpha", "expected a number >= 0");
            node.check(mixup > 0 || cutmix > 0, "mixup_alpha", "mixup_alpha or cutmix_alpha must be > 0");
            double prob = node.numberIn("prob", 1.0, 0, 1);
            double switchProb = node.numberIn("switch_prob", 0.5, 0, 1);
            double smoothing = node.numberIn("label_smoothing", 0.1, 0, 1);
            boolean correct = node.bool("correct_lam", true);
            Optional<Integer> classes = node.has("num_classes")
                    ? Optional.of(node.integerAtLeast("num_classes", 2, 2)) : Optional.empty();
            return new Settings(mixup, cutmix, prob, switchProb, smoothing, correct, classes);
        }
    }

    /** What was drawn for one batch (for tests and logs). */
    public record Draw(double lambda, boolean cutmix, int y0, int y1, int x0, int x1) {}

    private final Settings s;
    private final int numClasses;

    public Mixup(Settings s, int numClasses) {
        this.s = s;
        this.numClasses = numClasses;
    }

    public int numClasses() {
        return numClasses;
    }

    /**
     * Mixes the first {@code n} images of {@code images} (N, C, H, W) in place and writes soft targets
     * (n, numClasses) into {@code targets}.
     */
    public Draw apply(FloatBuffer images, int n, int c, int h, int w, int[] labels, float[] targets, RandomGenerator rng) {
        double lam = 1.0;
        boolean cutmix = false;
        if (rng.nextDouble() < s.prob()) {
            if (s.mixupAlpha() > 0 && s.cutmixAlpha() > 0) {
                cutmix = rng.nextDouble() < s.switchProb();
                lam = beta(rng, cutmix ? s.cutmixAlpha() : s.mixupAlpha());
            } else if (s.mixupAlpha() > 0) {
                lam = beta(rng, s.mixupAlpha());
            } else {
                cutmix = true;
                lam = beta(rng, s.cutmixAlpha());
            }
        }
        int y0 = 0;
        int y1 = 0;
        int x0 = 0;
        int x1 = 0;
        int chw = c * h * w;
        if (lam != 1.0) {
            if (cutmix) {
                double ratio = Math.sqrt(1 - lam);
                int cutH = (int) (h * ratio);
                int cutW = (int) (w * ratio);
                int cy = rng.nextInt(h);
                int cx = rng.nextInt(w);
                y0 = clip(cy - cutH / 2, h);
                y1 = clip(cy + cutH / 2, h);
                x0 = clip(cx - cutW / 2, w);
                x1 = clip(cx + cutW / 2, w);
                if (s.correctLam()) {
                    lam = 1.0 - (double) (y1 - y0) * (x1 - x0) / ((double) h * w);
                }
                for (int i = 0; i < n / 2; i++) {
                    int j = n - 1 - i;
                    for (int ch = 0; ch < c; ch++) {
                        for (int y = y0; y < y1; y++) {
                            int row = ch * h * w + y * w;
                            for (int x = x0; x < x1; x++) {
                                int a = i * chw + row + x;
                                int b = j * chw + row + x;
                                float t = images.get(a);
                                images.put(a, images.get(b));
                                images.put(b, t);
                            }
                        }
                    }
                }
            } else {
                float l = (float) lam;
                float r = (float) (1 - lam);
                for (int i = 0; i < n / 2; i++) {
                    int j = n - 1 - i;
                    for (int k = 0; k < chw; k++) {
                        float a = images.get(i * chw + k);
                        float b = images.get(j * chw + k);
                        images.put(i * chw + k, l * a + r * b);
                        images.put(j * chw + k, l * b + r * a);
                    }
                }
            }
        }
        float off = (float) (s.labelSmoothing() / numClasses);
        float on = (float) (1 - s.labelSmoothing()) + off;
        for (int i = 0; i < n; i++) {
            int base = i * numClasses;
            for (int k = 0; k < numClasses; k++) {
                targets[base + k] = off;
            }
            targets[base + labels[i]] += (float) (lam * (on - off));
            targets[base + labels[n - 1 - i]] += (float) ((1 - lam) * (on - off));
        }
        return new Draw(lam, cutmix, y0, y1, x0, x1);
    }

    private static int clip(int v, int max) {
        return Math.max(0, Math.min(v, max));
    }

    /** Beta(a, a) from two gamma draws. */
    static double beta(RandomGenerator rng, double a) {
        double x = gamma(rng, a);
        double y = gamma(rng, a);
        return x / (x + y);
    }

    /** Marsaglia and Tsang's gamma sampler (shape a, scale 1), boosted for a < 1. */
    static double gamma(RandomGenerator rng, double a) {
        if (a < 1) {
            double u = rng.nextDouble();
            return gamma(rng, a + 1) * Math.pow(u, 1.0 / a);
        }
        double d = a - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = rng.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
