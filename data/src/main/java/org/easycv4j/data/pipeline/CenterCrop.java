package org.easycv4j.data.pipeline;

import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;

/**
 * torchvision's CenterCrop: top = round((H - h) / 2), left = round((W - w) / 2); an image smaller than the
 * crop is padded with zeros first, as torchvision does. Key: {@code size} (int or [h, w]).
 */
public final class CenterCrop implements Transform {
    private final int height;
    private final int width;

    public record Settings(int height, int width) {
        public static Settings fromConfig(ConfigNode node) {
            int[] hw = TransformSettings.size(node, "size");
            return new Settings(hw[0], hw[1]);
        }
    }

    public CenterCrop(Settings s) {
        this.height = s.height();
        this.width = s.width();
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        return sample.withImage(crop(TransformSettings.bytes(sample.image(), "CenterCrop"), width, height));
    }

    public static ByteImage crop(ByteImage img, int width, int height) {
        int c = img.channels();
        // Python's round() on .5 goes to even; (H - h) / 2 is a multiple of .5, so emulate it exactly.
        int top = (int) Math.rint((img.height() - height) / 2.0);
        int left = (int) Math.rint((img.width() - width) / 2.0);
        byte[] out = new byte[width * height * c];
        for (int y = 0; y < height; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= img.height()) {
                continue;
            }
            for (int x = 0; x < width; x++) {
                int sx = x + left;
                if (sx >= 0 && sx < img.width()) {
                    System.arraycopy(img.pixels(), (sy * img.width() + sx) * c, out, (y * width + x) * c, c);
                }
            }
        }
        return new ByteImage(width, height, c, out);
    }
}
