package org.easycv4j.data.pipeline;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.Interpolation;

/**
 * EasyCV's {@code MAEFtAugment}: the MAE fine-tuning transform (timm's create_transform) as one step.
 * Training: RandomResizedCrop(input_size, scale [0.08, 1], ratio [3/4, 4/3]), horizontal flip 0.5,
 * RandAugment(auto_augment) filled with the mean colour, ToTensor, Normalize(mean, std),
 * RandomErasing(re_prob, re_mode, re_count). Evaluation ({@code is_train = false}): Resize the short side to
 * input_size / 0.875 (256 for 224; input_size itself above 224, as the MAE repository does), CenterCrop, ToTensor,
 * Normalize. Keys: {@code input_size} (224), {@code auto_augment} ("rand-m9-mstd0.5-inc1"; null for none),
 * {@code interpolation} ("bicubic"), {@code re_prob} (0.25), {@code re_mode} ("pixel"), {@code re_count} (1),
 * {@code mean}, {@code std} (ImageNet's), {@code is_train} (true), {@code color_jitter} (only null: timm
 * ignores it when auto_augment is set).
 */
public final class MaeFtAugment implements Transform {
    private final Pipeline steps;

    public record Settings(int inputSize, String autoAugment, Interpolation interpolation, double reProb,
            RandomErasing.Mode reMode, int reCount, List<Double> mean, List<Double> std, boolean isTrain)
            implements MakesTensor {
        public static Settings fromConfig(ConfigNode node) {
            int size = node.integerAtLeast("input_size", 224, 1);
            String aa = node.has("auto_augment") && node.config().getIsNull("auto_augment") ? ""
                    : node.string("auto_augment", "rand-m9-mstd0.5-inc1");
            node.accept("auto_augment");
            Interpolation interp = TransformSettings.interpolation(node, "interpolation", Interpolation.BICUBIC);
            double reProb = node.numberIn("re_prob", 0.25, 0, 1);
            RandomErasing.Mode reMode = node.choice("re_mode", RandomErasing.Mode.PIXEL);
            int reCount = node.integerAtLeast("re_count", 1, 1);
            List<Double> mean = node.numbers("mean", Normalize.IMAGENET_MEAN);
            List<Double> std = node.numbers("std", Normalize.IMAGENET_STD);
            node.check(mean.size() == std.size(), "std", "expected as many values as mean");
            node.accept("color_jitter");
            node.check(!node.has("color_jitter") || node.config().getIsNull("color_jitter"), "color_jitter",
                    "ColorJitter is not supported; use null (timm ignores it when auto_augment is set)");
            return new Settings(size, aa, interp, reProb, reMode, reCount, mean, std, node.bool("is_train", true));
        }
    }

    public MaeFtAugment(Settings s) {
        List<Transform> t = new ArrayList<>();
        if (s.isTrain()) {
            t.add(new RandomResizedCrop(new RandomResizedCrop.Settings(s.inputSize(), s.inputSize(),
                    new double[] {0.08, 1.0}, new double[] {3.0 / 4.0, 4.0 / 3.0}, s.interpolation(),
                    RandomResizedCrop.Settings.REDUCED_DECODE)));
            t.add(new RandomHorizontalFlip(0.5));
            if (!s.autoAugment().isEmpty()) {
                ConfigNode ra = ConfigNode.root(ConfigFactory.parseMap(
                        Map.of("config_str", s.autoAugment(), "mean", s.mean(),
                                "interpolation", s.interpolation() == Interpolation.BILINEAR ? "bilinear" : "bicubic")));
                RandAugment.Settings rs = RandAugment.Settings.fromConfig(ra);
                if (!ra.problems().isEmpty()) {
                    throw new IllegalArgumentException("auto_augment: " + ra.problems().list());
                }
                t.add(new RandAugment(rs));
            }
            t.add(new ToTensor());
            t.add(new Normalize(new Normalize.Settings(s.mean(), s.std())));
            if (s.reProb() > 0) {
                t.add(new RandomErasing(new RandomErasing.Settings(s.reProb(), s.reMode(), s.reCount(), s.reCount(), 0.02,
                        1.0 / 3.0, 0.3, 1 / 0.3)));
            }
        } else {
            int resize = s.inputSize() <= 224 ? (int) (s.inputSize() / 0.875) : s.inputSize();
            t.add(new Resize(new Resize.Settings(resize, 0, 0, s.interpolation())));
            t.add(new CenterCrop(new CenterCrop.Settings(s.inputSize(), s.inputSize())));
            t.add(new ToTensor());
            t.add(new Normalize(new Normalize.Settings(s.mean(), s.std())));
        }
        this.steps = new Pipeline(t);
    }

    /** The expanded steps. */
    public List<Transform> steps() {
        return steps.transforms();
    }

    @Override
    public boolean acceptsEncoded() {
        return steps.transforms().get(0).acceptsEncoded();
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        return steps.apply(sample, rng, backend);
    }
}
