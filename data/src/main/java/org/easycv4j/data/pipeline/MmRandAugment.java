package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.pipeline.MmAutoAugment.Op;
import org.easycv4j.data.pipeline.MmAutoAugment.OpType;

/**
 * EasyCV's {@code MMRandAugment} (mmcls' RandAugment) with its default policies, timm's increasing ones: per
 * image {@code num_policies} operations drawn with replacement; each gets the magnitude {@code magnitude_level}
 * (normal noise of {@code magnitude_std}, or uniform in [0, level] for "inf"), clipped to [0, total_level],
 * mapped linearly onto the operation's range, and applies with mmcls' default probability 0.5 (the signed ones
 * negated with probability 0.5). {@code hparams} as for MMAutoAugment ({@code pad_val}, {@code interpolation}).
 */
public final class MmRandAugment implements Transform {

    /** One of the policies: an operation and the range its magnitude maps onto ({@code from} at level 0). */
    record Policy(OpType type, double from, double to) {}

    /** mmcls' rand_increasing_policies (timm's _RAND_INCREASING_TRANSFORMS). */
    static final List<Policy> INCREASING = List.of(
            new Policy(OpType.AUTO_CONTRAST, 0, 0), new Policy(OpType.EQUALIZE, 0, 0),
            new Policy(OpType.INVERT, 0, 0), new Policy(OpType.ROTATE, 0, 30),
            new Policy(OpType.POSTERIZE, 4, 0), new Policy(OpType.SOLARIZE, 256, 0),
            new Policy(OpType.SOLARIZE_ADD, 0, 110), new Policy(OpType.COLOR_TRANSFORM, 0, 0.9),
            new Policy(OpType.CONTRAST, 0, 0.9), new Policy(OpType.BRIGHTNESS, 0, 0.9),
            new Policy(OpType.SHARPNESS, 0, 0.9), new Policy(OpType.SHEAR_X, 0, 0.3),
            new Policy(OpType.SHEAR_Y, 0, 0.3), new Policy(OpType.TRANSLATE_X, 0, 0.45),
            new Policy(OpType.TRANSLATE_Y, 0, 0.45));

    /** mmcls' default probability of each operation. */
    static final double PROB = 0.5;

    /** @param magnitudeStd 0: fixed; infinity: uniform in [0, level] (mmcls' "inf") */
    public record Settings(int numPolicies, double magnitudeLevel, double totalLevel, double magnitudeStd,
            MmAutoAugment.Settings ops) {
        public static Settings fromConfig(ConfigNode node) {
            if (node.has("policies")) {
                node.accept("policies");
                node.problem("policies", "only EasyCV's default policies are built; leave policies unset");
            }
            int n = node.integer("num_policies");
            node.check(n >= 0, "num_policies", "expected an integer >= 0, got " + n);
            double total = node.number("total_level", 30);
            node.check(total > 0, "total_level", "expected a number > 0, got " + total);
            double level = node.number("magnitude_level");
            node.check(level >= 0 && level <= total, "magnitude_level", "expected a number in [0, total_level], got "
                    + level);
            double std;
            if (node.isString("magnitude_std")) {
                String v = node.string("magnitude_std");
                node.check(v.equals("inf"), "magnitude_std", "expected a number or \"inf\", got \"" + v + "\"");
                std = Double.POSITIVE_INFINITY;
            } else {
                std = node.number("magnitude_std", 0.0);
            }
            return new Settings(n, level, total, std, MmAutoAugment.Settings.hparams(node));
        }
    }

    private final Settings s;
    private final MmAutoAugment ops;

    public MmRandAugment(Settings s) {
        this.s = s;
        this.ops = new MmAutoAugment(s.ops(), List.of());
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        ByteImage img = TransformSettings.bytes(sample.image(), "MMRandAugment");
        for (int k = 0; k < s.numPolicies(); k++) {
            img = ops.apply(op(INCREASING.get(rng.nextInt(INCREASING.size())), rng), img, rng);
        }
        return sample.withImage(img);
    }

    /** mmcls' _process_policies: the noisy magnitude, clipped, mapped onto the policy's range. */
    Op op(Policy p, RandomGenerator rng) {
        double m = s.magnitudeLevel();
        if (s.magnitudeStd() == Double.POSITIVE_INFINITY) {
            m = RandomResizedCrop.uniform(rng, 0, m);
        } else if (s.magnitudeStd() > 0) {
            m = m + s.magnitudeStd() * rng.nextGaussian();
        }
        m = Math.min(s.totalLevel(), Math.max(0, m));
        return new Op(p.type(), PROB, m / s.totalLevel() * (p.to() - p.from()) + p.from());
    }
}
