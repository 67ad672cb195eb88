package org.easycv4j.models.mae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class MaeFigureTest {

    /** The TensorBoard figure: one row per image, fixed noise, the visible patches equal to the original's. */
    @Test
    void theModelsFigureHasARowPerImageAndIsTheSameForTheSameImages() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaeModel model = new MaeModel(MaeGoldenTest.tinySettings(true));
            model.block().initialize(m, DataType.FLOAT32, model.inputShapes(2));
            float[] px = new float[3 * 3 * 32 * 32];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) Math.sin(i * 0.37);
            }
            NDArray images = m.create(px, new Shape(3, 3, 32, 32));
            BufferedImage a;
            BufferedImage b;
            try (NDManager scope = m.newSubManager()) {
                a = model.figure(scope, images);
            }
            try (NDManager scope = m.newSubManager()) {
                b = model.figure(scope, images);
            }
            // 32-pixel images, panels of 128 (x4): 4 panels and 3 gaps wide, 3 rows and 2 gaps high.
            assertEquals(4 * 128 + 3 * MaeFigure.GAP, a.getWidth());
            assertEquals(3 * 128 + 2 * MaeFigure.GAP, a.getHeight());
            assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                    b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()), "fixed masking noise");
            assertEquals("reconstruction", model.figureName());

            // The mask of the first image from seed 0, as tools/reconstruct draws it: the masked panel is grey
            // exactly where a patch was removed, the original elsewhere.
            float[] mask = MaeFigure.reconstruct(model, m, images.get("0:1"),
                    m.create(MaeFigure.noise(MaeModel.FIGURE_SEED, 1, 16)[0], new Shape(1, 16)), null)[1];
            int s = 128;
            int removed = 0;
            for (int patch = 0; patch < 16; patch++) {
                int x = (patch % 4) * 32 + 16;
                int y = (patch / 4) * 32 + 16;
                int masked = a.getRGB(s + MaeFigure.GAP + x, y) & 0xffffff;
                int original = a.getRGB(x, y) & 0xffffff;
                int pasted = a.getRGB(3 * (s + MaeFigure.GAP) + x, y) & 0xffffff;
                if (mask[patch] > 0.5f) {
                    removed++;
                    assertEquals(0x808080, masked, "patch " + patch);
                } else {
                    assertEquals(original, masked, "patch " + patch);
                    assertEquals(original, pasted, "visible patch " + patch + " pasted back");
                }
            }
            assertEquals(12, removed, "mask_ratio 0.75 of 16 patches");
            // Stretched per image: the original's darkest and brightest values reach 0 and 255.
            int lo = 255;
            int hi = 0;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    int r = (a.getRGB(x, y) >> 16) & 0xff;
                    lo = Math.min(lo, r);
                    hi = Math.max(hi, r);
                }
            }
            assertTrue(lo <= 1 && hi >= 254, lo + ".." + hi);
        }
    }
}
