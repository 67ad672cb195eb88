package org.easycv4j.data.pipeline;

import java.util.Arrays;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;

/** 8-bit HWC to float CHW in [0, 1], as torchvision's ToTensor. No keys. */
public final class ToTensor implements TensorWriter {

    /** No settings. */
    public record Settings() implements MakesTensor {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings();
        }
    }

    private static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v * (1f / 255f);
        }
    }

    public static FloatImage convert(ByteImage img) {
        return TensorWriter.convert(img, unitTables(img.channels()));
    }

    private static float[][] unitTables(int channels) {
        float[][] luts = new float[channels][];
        Arrays.fill(luts, UNIT);
        return luts;
    }

    @Override
    public float[][] tables(int channels, String origin) {
        return unitTables(channels);
    }

    @Override
    public float[][] affine(int channels, String origin) {
        float[] scale = new float[channels];
        Arrays.fill(scale, 1f / 255f);
        return new float[][] {scale, new float[channels]};
    }
}
