package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.Interpolation;

/**
 * timm's RandAugment, configured by timm's string, e.g. {@code rand-m9-mstd0.5-inc1}: {@code n} ops (default
 * 2) drawn uniformly with replacement, each applied with probability {@code p} (default 0.5) at a magnitude
 * drawn from N(m, mstd) clipped to [0, mmax] (default 10); {@code inc1} selects the variants whose severity
 * grows with the magnitude. Keys: {@code config_str} (required), {@code interpolation} for rotate / shear /
 * translate ("bicubic" default as MAE's fine-tuning; "bilinear"; "random" picks one of the two per op, as
 * timm does without a hint), {@code mean} (fill colour of affine ops, as a fraction; default ImageNet's mean),
 * {@code translate_pct} (0.45).
 */
public final class RandAugment implements Transform {
    static final double LEVEL_DENOM = 10.0;

    /** The ops of timm's _RAND_TRANSFORMS / _RAND_INCREASING_TRANSFORMS. */
    enum Op {
        AUTO_CONTRAST, EQUALIZE, INVERT, ROTATE, POSTERIZE, SOLARIZE, SOLARIZE_ADD, COLOR, CONTRAST, BRIGHTNESS,
        SHARPNESS, SHEAR_X, SHEAR_Y, TRANSLATE_X_REL, TRANSLATE_Y_REL
    }

    /**
     * @param numOps ops per image (timm's n)
     * @param magnitude m
     * @param magnitudeStd mstd (0: fixed; infinity: uniform in [0, m])
     * @param magnitudeMax mmax
     * @param prob probability of applying each chosen op (timm's p)
     * @param increasing inc1
     */
    /** The resampling of the geometric operations ({@code interpolation}); RANDOM picks one per operation, as timm. */
    public enum Resampling { BICUBIC, BILINEAR, RANDOM }

    public record Settings(String configStr, int numOps, double magnitude, double magnitudeStd, double magnitudeMax,
            double prob, boolean increasing, Resampling interpolation, int[] fill, double translatePct) {
        public static Settings fromConfig(ConfigNode node) {
            String cfg = node.string("config_str");
            int n = 2;
            double m = 10;
            double mstd = 0;
            double mmax = LEVEL_DENOM;
            double p = 0.5;
            boolean inc = false;
            String[] parts = cfg.split("-");
            if (!parts[0].equals("rand")) {
                node.problem("config_str", "expected a timm RandAugment string starting with \"rand\", e.g. "
                        + "\"rand-m9-mstd0.5-inc1\", got \"" + cfg + "\"");
            }
            for (int i = 1; i < parts.length && parts[0].equals("rand"); i++) {
                String part = parts[i];
                try {
                    if (part.startsWith("mstd")) {
                        String v = part.substring(4);
                        mstd = v.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
                    } else if (part.startsWith("mmax")) {
                        mmax = Double.parseDouble(part.substring(4));
                    } else if (part.startsWith("inc")) {
                        inc = Integer.parseInt(part.substring(3)) != 0;
                    } else if (part.startsWith("m")) {
                        m = Double.parseDouble(part.substring(1));
                    } else if (part.startsWith("n")) {
                        n = Integer.parseInt(part.substring(1));
                    } else if (part.startsWith("p")) {
                        p = Double.parseDouble(part.substring(1));
                    } else {
                        node.problem("config_str", "unsupported RandAugment option \"" + part + "\" in \"" + cfg
                                + "\" (supported: m, n, mstd, mmax, inc, p)");
                    }
                } catch (NumberFormatException e) {
                    node.problem("config_str", "bad number in option \"" + part + "\" of \"" + cfg + "\"");
                }
            }
            node.check(n >= 1, "config_str", "expected n >= 1");
            node.check(p >= 0 && p <= 1, "config_str", "expected p in [0, 1]");
            node.check(mstd >= 0, "config_str", "expected mstd >= 0");
            Resampling interp = node.choice("interpolation", Resampling.BICUBIC);
            List<Double> mean = node.numbers("mean", Normalize.IMAGENET_MEAN);
            int[] fill = mean.stream().mapToInt(v -> (int) Math.min(255, Math.round(255 * v))).toArray();
            double translatePct = node.numberIn("translate_pct", 0.45, 0, 1);
            return new Settings(cfg, n, m, mstd, mmax, p, inc, interp, fill, translatePct);
        }
    }

    private final Settings s;

    public RandAugment(Settings s) {
        this.s = s;
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        ByteImage img = TransformSettings.bytes(sample.image(), "RandAugment");
        Op[] ops = Op.values();
        for (int k = 0; k < s.numOps(); k++) {
            Op op = ops[rng.nextInt(ops.length)];
            img = applyOp(op, img, rng);
        }
        return sample.withImage(img);
    }

    /** One op with timm's AugmentOp logic: probability gate, magnitude noise, level-to-argument mapping. */
    ByteImage applyOp(Op op, ByteImage img, RandomGenerator rng) {
        if (s.prob() < 1.0 && rng.nextDouble() > s.prob()) {
            return img;
        }
        double m = s.magnitude();
        if (s.magnitudeStd() == Double.POSITIVE_INFINITY) {
            m = RandomResizedCrop.uniform(rng, 0, m);
        } else if (s.magnitudeStd() > 0) {
            m = m + s.magnitudeStd() * rng.nextGaussian();
        }
        m = Math.max(0, Math.min(m, s.magnitudeMax()));
        return apply(op, img, m, s.increasing(), rng);
    }

    ByteImage apply(Op op, ByteImage img, double level, boolean increasing, RandomGenerator rng) {
        double f = level / LEVEL_DENOM;
        return switch (op) {
            case AUTO_CONTRAST -> ImageOps.autoContrast(img);
            case EQUALIZE -> ImageOps.equalize(img);
            case INVERT -> ImageOps.invert(img);
            case ROTATE -> ImageOps.rotate(img, negate(f * 30.0, rng), interpolation(rng), s.fill());
            case POSTERIZE -> ImageOps.posterize(img, increasing ? 4 - (int) (f * 4) : (int) (f * 4));
            case SOLARIZE -> ImageOps.solarize(img, increasing ? 256 - Math.min(256, (int) (f * 256))
                    : Math.min(256, (int) (f * 256)));
            case SOLARIZE_ADD -> ImageOps.solarizeAdd(img, Math.min(128, (int) (f * 110)), 128);
            case COLOR -> ImageOps.color(img, enhance(f, increasing, rng));
            case CONTRAST -> ImageOps.contrast(img, enhance(f, increasing, rng));
            case BRIGHTNESS -> ImageOps.brightness(img, enhance(f, increasing, rng));
            case SHARPNESS -> ImageOps.sharpness(img, enhance(f, increasing, rng));
            case SHEAR_X -> ImageOps.affine(img, new double[] {1, negate(f * 0.3, rng), 0, 0, 1, 0}, interpolation(rng), s.fill());
            case SHEAR_Y -> ImageOps.affine(img, new double[] {1, 0, 0, negate(f * 0.3, rng), 1, 0}, interpolation(rng), s.fill());
            case TRANSLATE_X_REL -> ImageOps.affine(img,
                    new double[] {1, 0, negate(f * s.translatePct(), rng) * img.width(), 0, 1, 0}, interpolation(rng), s.fill());
            case TRANSLATE_Y_REL -> ImageOps.affine(img,
                    new double[] {1, 0, 0, 0, 1, negate(f * s.translatePct(), rng) * img.height()}, interpolation(rng), s.fill());
        };
    }

    /** timm's enhance factors: increasing 1 ± 0.9 f (at least 0.1), otherwise 0.1 + 1.8 f. */
    static double enhance(double f, boolean increasing, RandomGenerator rng) {
        if (increasing) {
            return Math.max(0.1, 1.0 + negate(f * 0.9, rng));
        }
        return f * 1.8 + 0.1;
    }

    static double negate(double v, RandomGenerator rng) {
        return rng.nextDouble() > 0.5 ? -v : v;
    }

    private Interpolation interpolation(RandomGenerator rng) {
        return switch (s.interpolation()) {
            case BILINEAR -> Interpolation.BILINEAR;
            case RANDOM -> rng.nextBoolean() ? Interpolation.BILINEAR : Interpolation.BICUBIC;
            case BICUBIC -> Interpolation.BICUBIC;
        };
    }
}
