package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.Interpolation;

/**
 * EasyCV's {@code MMAutoAugment} (mmcls' AutoAugment) with its default policy, the AutoAugment paper's ImageNet
 * policy: per image one of 25 sub-policies drawn uniformly, each two operations applied in turn, each with its
 * own probability. As in mmcls, Rotate, Shear, ColorTransform, Contrast and Sharpness negate their magnitude
 * with probability 0.5; Rotate samples nearest and Shear bicubic, both filling with {@code pad_val}.
 * Keys: {@code hparams} ({@code pad_val}: 128 or [r, g, b], {@code interpolation}: for Rotate and Shear, as
 * mmcls merges hparams into the ops that take them).
 *
 * <p>{@code policies}: the sub-policies to draw from instead, a list of lists of operations, built from those DeiT
 * III's ThreeAugment uses as EasyCV defines them: {@code PILGaussianBlur} ({@code prob = 0.1},
 * {@code radius_min = 0.1}, {@code radius_max = 2.0}: PIL's GaussianBlur at a radius drawn uniformly),
 * {@code Solarization} ({@code threshold = 128}: values not below it inverted, always applied) and
 * {@code Grayscale} ({@code num_output_channels = 1} or 3: PIL's L conversion, always applied).
 *
 * <p>The pixel operations are this project's PIL-equivalents (ImageOps): mmcv blends with rounding where PIL
 * truncates, so a blended value may differ by one grey level from EasyCV's.
 */
public final class MmAutoAugment implements Transform {

    /** mmcls' operations of the ImageNet policy and of RandAugment's (MMRandAugment). */
    enum OpType { POSTERIZE, ROTATE, SOLARIZE, AUTO_CONTRAST, EQUALIZE, COLOR_TRANSFORM, INVERT, CONTRAST,
        SHARPNESS, SHEAR_X, SHEAR_Y, SOLARIZE_ADD, BRIGHTNESS, TRANSLATE_X, TRANSLATE_Y,
        /** EasyCV's PILGaussianBlur: value and value2 are the radius range. */
        GAUSSIAN_BLUR,
        /** EasyCV's Solarization (the selfsup one): value is the threshold. */
        SOLARIZATION,
        /** torchvision's Grayscale: value is the number of output channels. */
        GRAYSCALE }

    /**
     * One operation of a sub-policy: its probability and its argument (bits, degrees, threshold, magnitude),
     * {@code value2} a second one (a range's end).
     */
    record Op(OpType type, double prob, double value, double value2) {
        Op(OpType type, double prob, double value) {
            this(type, prob, value, 0);
        }

        boolean negates() {
            return switch (type) {
                case ROTATE, SHEAR_X, SHEAR_Y, COLOR_TRANSFORM, CONTRAST, SHARPNESS, BRIGHTNESS, TRANSLATE_X,
                        TRANSLATE_Y -> true;
                default -> false;
            };
        }
    }

    private static Op op(OpType type, double prob, double value) {
        return new Op(type, prob, value);
    }

    private static Op op(OpType type, double prob) {
        return new Op(type, prob, 0);
    }

    /** The ImageNet policy of AutoAugment (Cubuk et al. 2019, appendix), in mmcls' parameterization. */
    static final List<List<Op>> IMAGENET = imagenet();

    private static List<List<Op>> imagenet() {
        OpType post = OpType.POSTERIZE;
        OpType rot = OpType.ROTATE;
        OpType sol = OpType.SOLARIZE;
        OpType eq = OpType.EQUALIZE;
        OpType col = OpType.COLOR_TRANSFORM;
        double t = 256.0 / 9; // solarize threshold per magnitude level
        double deg = 30.0 / 9; // rotation per level
        return List.of(
                List.of(op(post, 0.4, 4), op(rot, 0.6, 30)),
                List.of(op(sol, 0.6, t * 4), op(OpType.AUTO_CONTRAST, 0.6)),
                List.of(op(eq, 0.8), op(eq, 0.6)),
                List.of(op(post, 0.6, 5), op(post, 0.6, 5)),
                List.of(op(eq, 0.4), op(sol, 0.2, t * 5)),
                List.of(op(eq, 0.4), op(rot, 0.8, deg * 8)),
                List.of(op(sol, 0.6, t * 6), op(eq, 0.6)),
                List.of(op(post, 0.8, 6), op(eq, 1.0)),
                List.of(op(rot, 0.2, 10), op(sol, 0.6, t)),
                List.of(op(eq, 0.6), op(post, 0.4, 5)),
                List.of(op(rot, 0.8, deg * 8), op(col, 0.4, 0)),
                List.of(op(rot, 0.4, 30), op(eq, 0.6)),
                List.of(op(eq, 0.0), op(eq, 0.8)),
                List.of(op(OpType.INVERT, 0.6), op(eq, 1.0)),
                List.of(op(col, 0.6, 0.4), op(OpType.CONTRAST, 1.0, 0.8)),
                List.of(op(rot, 0.8, deg * 8), op(col, 1.0, 0.2)),
                List.of(op(col, 0.8, 0.8), op(sol, 0.8, t * 2)),
                List.of(op(OpType.SHARPNESS, 0.4, 0.7), op(OpType.INVERT, 0.6)),
                List.of(op(OpType.SHEAR_X, 0.6, 0.3 / 9 * 5), op(eq, 1.0)),
                List.of(op(col, 0.4, 0), op(eq, 0.6)),
                List.of(op(eq, 0.4), op(sol, 0.2, t * 5)),
                List.of(op(sol, 0.6, t * 4), op(OpType.AUTO_CONTRAST, 0.6)),
                List.of(op(OpType.INVERT, 0.6), op(eq, 1.0)),
                List.of(op(col, 0.6, 0.4), op(OpType.CONTRAST, 1.0, 0.8)),
                List.of(op(eq, 0.8), op(eq, 0.6)));
    }

    /**
     * @param fill the pad value of Rotate and Shear, per channel
     * @param rotateInterpolation Rotate's resampling (mmcls: nearest)
     * @param shearInterpolation Shear's resampling (mmcls: bicubic)
     */
    public record Settings(int[] fill, Interpolation rotateInterpolation, Interpolation shearInterpolation,
            List<List<Op>> policies) {

        /** The default (ImageNet) policy. */
        public Settings(int[] fill, Interpolation rotateInterpolation, Interpolation shearInterpolation) {
            this(fill, rotateInterpolation, shearInterpolation, IMAGENET);
        }

        public static Settings fromConfig(ConfigNode node) {
            Settings h = hparams(node);
            List<List<Op>> policies = IMAGENET;
            List<List<ConfigNode>> subs = node.objectLists("policies");
            if (node.has("policies")) {
                node.check(!subs.isEmpty() && subs.stream().noneMatch(List::isEmpty), "policies",
                        "expected a non-empty list of non-empty lists of operations");
                policies = subs.stream().map(sub -> sub.stream().map(o -> o.parse(Settings::customOp)).toList())
                        .toList();
            }
            return new Settings(h.fill(), h.rotateInterpolation(), h.shearInterpolation(), policies);
        }

        /** The operations a custom policy may name, in EasyCV's spelling and with its defaults. */
        private static Op customOp(ConfigNode n) {
            String type = n.choice("type", "", List.of("PILGaussianBlur", "Solarization", "Grayscale"));
            return switch (type) {
                case "PILGaussianBlur" -> {
                    double prob = n.numberIn("prob", 0.1, 0.0, 1.0);
                    double lo = n.number("radius_min", 0.1);
                    double hi = n.number("radius_max", 2.0);
                    n.check(lo >= 0 && hi >= lo, "radius_max",
                            "expected 0 <= radius_min <= radius_max, got " + lo + " and " + hi);
                    yield new Op(OpType.GAUSSIAN_BLUR, prob, lo, hi);
                }
                case "Solarization" -> new Op(OpType.SOLARIZATION, 1.0, n.number("threshold", 128));
                case "Grayscale" -> {
                    int channels = n.integer("num_output_channels", 1);
                    n.check(channels == 1 || channels == 3, "num_output_channels",
                            "expected 1 or 3, got " + channels);
                    yield new Op(OpType.GRAYSCALE, 1.0, channels == 3 ? 3 : 1);
                }
                default -> new Op(OpType.SOLARIZATION, 1.0, 256); // already reported: an unknown type
            };
        }

        /** {@code hparams}: what mmcls merges into the operations that take it. */
        static Settings hparams(ConfigNode node) {
            int[] fill = {128, 128, 128};
            Interpolation rotate = Interpolation.NEAREST;
            Interpolation shear = Interpolation.BICUBIC;
            ConfigNode h = node.optObject("hparams").orElse(null);
            if (h != null) {
                if (h.isList("pad_val")) {
                    List<Integer> v = h.integers("pad_val", List.of(128, 128, 128));
                    h.check(v.size() == 3 && v.stream().allMatch(x -> x >= 0 && x <= 255), "pad_val",
                            "expected one value or three in [0, 255], got " + v);
                    fill = v.size() == 3 ? v.stream().mapToInt(Integer::intValue).toArray() : fill;
                } else if (h.has("pad_val")) {
                    int v = h.integer("pad_val", 128);
                    h.check(v >= 0 && v <= 255, "pad_val", "expected a value in [0, 255], got " + v);
                    fill = new int[] {v, v, v};
                }
                if (h.has("interpolation")) {
                    rotate = TransformSettings.interpolation(h, "interpolation", Interpolation.NEAREST);
                    shear = rotate;
                }
                h.finish();
            }
            return new Settings(fill, rotate, shear, IMAGENET);
        }
    }

    private final Settings s;
    private final List<List<Op>> policies;

    public MmAutoAugment(Settings s) {
        this(s, s.policies());
    }

    MmAutoAugment(Settings s, List<List<Op>> policies) {
        this.s = s;
        this.policies = policies;
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        ByteImage img = TransformSettings.bytes(sample.image(), "MMAutoAugment");
        for (Op op : policies.get(rng.nextInt(policies.size()))) {
            img = apply(op, img, rng);
        }
        return sample.withImage(img);
    }

    /** mmcls' order of draws: the probability gate first, then the sign. */
    ByteImage apply(Op op, ByteImage img, RandomGenerator rng) {
        if (rng.nextDouble() > op.prob()) {
            return img;
        }
        double v = op.negates() && rng.nextDouble() < 0.5 ? -op.value() : op.value();
        return switch (op.type()) {
            case POSTERIZE -> ImageOps.posterize(img, (int) Math.ceil(v));
            // mmcv's solarize inverts values >= thr; for integer pixels that is >= ceil(thr)
            case SOLARIZE -> ImageOps.solarize(img, (int) Math.ceil(v));
            case AUTO_CONTRAST -> ImageOps.autoContrast(img);
            case EQUALIZE -> ImageOps.equalize(img);
            case INVERT -> ImageOps.invert(img);
            case COLOR_TRANSFORM -> ImageOps.color(img, 1 + v);
            case CONTRAST -> ImageOps.contrast(img, 1 + v);
            case SHARPNESS -> ImageOps.sharpness(img, 1 + v);
            // mmcv rotates clockwise for a positive angle, PIL counter-clockwise
            case ROTATE -> ImageOps.rotate(img, -v, s.rotateInterpolation(), s.fill());
            // cv2.warpAffine([[1, m, 0], [0, 1, 0]]): the output at (x, y) comes from (x - m y, y)
            case SHEAR_X -> ImageOps.affine(img, new double[] {1, -v, 0, 0, 1, 0}, s.shearInterpolation(), s.fill());
            case SHEAR_Y -> ImageOps.affine(img, new double[] {1, 0, 0, -v, 1, 0}, s.shearInterpolation(), s.fill());
            // mmcv: values below 128 get the magnitude added (clipped), the uint8 cast floors a fraction
            case SOLARIZE_ADD -> ImageOps.solarizeAdd(img, (int) Math.floor(v), 128);
            case BRIGHTNESS -> ImageOps.brightness(img, 1 + v);
            // mmcv's offset is the magnitude times the width (height); Translate samples as Rotate does
            case TRANSLATE_X -> ImageOps.affine(img, new double[] {1, 0, -v * img.width(), 0, 1, 0},
                    s.rotateInterpolation(), s.fill());
            case TRANSLATE_Y -> ImageOps.affine(img, new double[] {1, 0, 0, 0, 1, -v * img.height()},
                    s.rotateInterpolation(), s.fill());
            // random.uniform(radius_min, radius_max), drawn after the gate as EasyCV does
            case GAUSSIAN_BLUR -> ImageOps.gaussianBlur(img, v + (op.value2() - v) * rng.nextDouble());
            // np.where(img < threshold, img, 255 - img): for integer pixels, kept below ceil(threshold)
            case SOLARIZATION -> ImageOps.solarize(img, (int) Math.ceil(v));
            case GRAYSCALE -> ImageOps.grayscale(img, (int) v);
        };
    }
}
