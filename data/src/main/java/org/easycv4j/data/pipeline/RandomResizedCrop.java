package org.easycv4j.data.pipeline;

import java.io.UncheckedIOException;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.EncodedImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageDecodeException;
import org.easycv4j.data.image.Interpolation;
import org.easycv4j.data.image.ReducedDecode;

/**
 * torchvision's RandomResizedCrop: area fraction uniform in {@code scale}, aspect ratio log-uniform in
 * {@code ratio}, up to 10 tries, then a centre crop clamped to the ratio range; the crop is resized to
 * {@code size}. Keys: {@code size} (int or [h, w]), {@code scale} ([0.08, 1.0]), {@code ratio} ([3/4, 4/3]),
 * {@code interpolation} ("bilinear" default, "bicubic", "nearest", or PIL's numbers 2 / 3 / 0),
 * {@code reduced_decode} (default true: decode a JPEG at 1/2, 1/4 or 1/8 scale when the crop is at least that
 * many times the output size, see {@link ReducedDecode}; false decodes every image at full scale).
 *
 * <p>As the first transform it takes JPEGs still encoded: the crop is drawn from the size in the file's header
 * (the decoded size), so the random stream and the crops are the same as for a decoded image.
 */
public final class RandomResizedCrop implements Transform {
    private final Settings s;

    public record Settings(int height, int width, double[] scale, double[] ratio, Interpolation interpolation,
            boolean reducedDecode) {
        /** The default of {@code reduced_decode}. */
        public static final boolean REDUCED_DECODE = true;

        public static Settings fromConfig(ConfigNode node) {
            int[] hw = TransformSettings.size(node, "size");
            double[] scale = TransformSettings.range(node, "scale", 0.08, 1.0, 0.0);
            node.check(scale[1] <= 1.0, "scale", "expected area fractions <= 1");
            double[] ratio = TransformSettings.range(node, "ratio", 3.0 / 4.0, 4.0 / 3.0, 1e-9);
            return new Settings(hw[0], hw[1], scale, ratio,
                    TransformSettings.interpolation(node, "interpolation", Interpolation.BILINEAR),
                    node.bool("reduced_decode", REDUCED_DECODE));
        }
    }

    public RandomResizedCrop(Settings s) {
        this.s = s;
    }

    /** The crop {x, y, w, h} torchvision's get_params would draw for a width x height image. */
    public static int[] sampleCrop(int width, int height, double[] scale, double[] ratio, RandomGenerator rng) {
        double area = (double) width * height;
        double logLo = Math.log(ratio[0]);
        double logHi = Math.log(ratio[1]);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(rng, scale[0], scale[1]);
            double aspect = Math.exp(uniform(rng, logLo, logHi));
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int y = rng.nextInt(height - h + 1);
                int x = rng.nextInt(width - w + 1);
                return new int[] {x, y, w, h};
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratio[0]) {
            w = width;
            h = (int) Math.round(w / ratio[0]);
        } else if (inRatio > ratio[1]) {
            h = height;
            w = (int) Math.round(h * ratio[1]);
        } else {
            w = width;
            h = height;
        }
        return new int[] {(width - w) / 2, (height - h) / 2, w, h};
    }

    static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    @Override
    public boolean acceptsEncoded() {
        return true;
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        if (sample.image() instanceof EncodedImage e) {
            int[] c = sampleCrop(e.width(), e.height(), s.scale(), s.ratio(), rng);
            try {
                return sample.withImage(backend.decodeResized(e, c[0], c[1], c[2], c[3], s.width(), s.height(),
                        s.interpolation(), s.reducedDecode()));
            } catch (ImageDecodeException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        ByteImage img = TransformSettings.bytes(sample.image(), "RandomResizedCrop");
        int[] c = sampleCrop(img.width(), img.height(), s.scale(), s.ratio(), rng);
        return sample.withImage(backend.resize(img, c[0], c[1], c[2], c[3], s.width(), s.height(), s.interpolation()));
    }
}
