package org.easycv4j.data.pipeline;

import com.typesafe.config.ConfigValueType;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.Interpolation;

/**
 * torchvision's Resize: {@code size = 256} scales the short side to 256 keeping the aspect ratio (long side
 * truncated as torchvision does), {@code size = [h, w]} resizes exactly. Keys: {@code size},
 * {@code interpolation} (default "bilinear").
 */
public final class Resize implements Transform {
    private final Settings s;

    public record Settings(int shortSide, int height, int width, Interpolation interpolation) {
        public static Settings fromConfig(ConfigNode node) {
            boolean single = node.has("size") && node.config().getValue("size").valueType()
                    == ConfigValueType.NUMBER;
            int[] hw = TransformSettings.size(node, "size");
            Interpolation i = TransformSettings.interpolation(node, "interpolation", Interpolation.BILINEAR);
            return single ? new Settings(hw[0], 0, 0, i) : new Settings(0, hw[0], hw[1], i);
        }
    }

    public Resize(Settings s) {
        this.s = s;
    }

    /** The output {width, height} for a width x height input. */
    public static int[] outputSize(Settings s, int width, int height) {
        if (s.shortSide() == 0) {
            return new int[] {s.width(), s.height()};
        }
        if (width <= height) {
            return new int[] {s.shortSide(), (int) ((long) s.shortSide() * height / width)};
        }
        return new int[] {(int) ((long) s.shortSide() * width / height), s.shortSide()};
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        ByteImage img = TransformSettings.bytes(sample.image(), "Resize");
        int[] wh = outputSize(s, img.width(), img.height());
        if (wh[0] == img.width() && wh[1] == img.height()) {
            return sample;
        }
        return sample.withImage(backend.resize(img, 0, 0, img.width(), img.height(), wh[0], wh[1], s.interpolation()));
    }
}
