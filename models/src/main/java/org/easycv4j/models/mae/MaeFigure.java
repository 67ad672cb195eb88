package org.easycv4j.models.mae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;

/**
 * MAE's reconstruction figure, one row per image: original | masked input | reconstruction | reconstruction with
 * the visible patches pasted back. What {@code tools/reconstruct} writes and what the TensorBoard logger shows.
 */
public final class MaeFigure {
    /** Each panel at least this many pixels wide (nearest-neighbour upscaling). */
    public static final int MIN_PANEL = 128;
    /** White pixels between panels and rows. */
    public static final int GAP = 4;

    private MaeFigure() {}

    /** Maps a value of the model's input (channel, value) to a displayed intensity in [0, 1] (clamped after). */
    @FunctionalInterface
    public interface Display {
        float intensity(int image, int channel, float value);
    }

    /**
     * The model's reconstructions of {@code images} (N, C, H, W) with masking {@code noise} (N, L), in evaluation
     * mode, as pixels of the input's scale: with {@code norm_pix_loss} the per-patch normalized predictions are
     * mapped back with the mean and (unbiased) variance of the original's patch, as the loss normalized its target.
     *
     * @param loss receives the loss of the forward pass when not null (one element)
     * @return {recon (N, C, H, W) flattened, mask (N, L) flattened: 1 where a patch was removed}
     */
    public static float[][] reconstruct(MaeModel model, NDManager manager, NDArray images, NDArray noise,
            double[] loss) {
        MaeSettings s = model.settings();
        int p = s.encoder().patchSize();
        int c = s.encoder().inChans();
        try (NDManager step = manager.newSubManager()) {
            NDArray x = images.toType(DataType.FLOAT32, true);
            x.attach(step);
            StepOutput out = model.forward(new ParameterStore(step, false),
                    new Batch(new NDList(x, noise), new NDList(), (int) x.getShape().get(0)), false);
            if (loss != null) {
                loss[0] = out.loss().getFloat();
            }
            NDArray pred = out.outputs().get(0);
            if (s.normPixLoss()) {
                NDArray target = MaeDecoder.patchify(x, p);
                long dim = target.getShape().get(2);
                NDArray m = target.mean(new int[] {-1}, true);
                NDArray var = target.sub(m).square().sum(new int[] {-1}, true).div(dim - 1);
                pred = pred.mul(var.add(1e-6f).sqrt()).add(m);
            }
            return new float[][] {MaeDecoder.unpatchify(pred, p, c).toFloatArray(), out.outputs().get(1)
                    .toFloatArray()};
        }
    }

    /** Uniform [0, 1) masking noise for {@code n} images of {@code patches} patches, row after row from one seed. */
    public static float[][] noise(long seed, int n, int patches) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = new float[n][patches];
        for (float[] row : rows) {
            for (int j = 0; j < patches; j++) {
                row[j] = (float) random.nextDouble();
            }
        }
        return rows;
    }

    /** The width of a panel for images of {@code size} pixels: an integer multiple of it, at least {@link #MIN_PANEL}. */
    public static int panel(int size) {
        return size * Math.max(1, (MIN_PANEL + size - 1) / size);
    }

    /** The figure's size in pixels for {@code rows} images: {width, height}. */
    public static int[] size(int imageSize, int rows) {
        int s = panel(imageSize);
        return new int[] {4 * s + 3 * GAP, rows * s + (rows - 1) * GAP};
    }

    /**
     * Draws the figure.
     *
     * @param originals the images (N, C, H, W) flattened
     * @param recons the reconstructions, likewise
     * @param masks (N, L) flattened, 1 where a patch was removed
     */
    public static BufferedImage draw(float[] originals, float[] recons, float[] masks, int n, int size, int c, int p,
            Display display) {
        int grid = size / p;
        int s = panel(size);
        int scale = s / size;
        int[] dims = size(size, n);
        int perImage = c * size * size;
        BufferedImage fig = new BufferedImage(dims[0], dims[1], BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < dims[1]; y++) {
            for (int x = 0; x < dims[0]; x++) {
                fig.setRGB(x, y, 0xffffff);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean removed = masks[i * grid * grid + (y / p) * grid + x / p] > 0.5f;
                    int orig = rgb(originals, i, i * perImage, c, size, x, y, display);
                    int rec = rgb(recons, i, i * perImage, c, size, x, y, display);
                    int[] panels = {orig, removed ? 0x808080 : orig, rec, removed ? rec : orig};
                    for (int k = 0; k < 4; k++) {
                        int x0 = k * (s + GAP) + x * scale;
                        int y0 = i * (s + GAP) + y * scale;
                        for (int dy = 0; dy < scale; dy++) {
                            for (int dx = 0; dx < scale; dx++) {
                                fig.setRGB(x0 + dx, y0 + dy, panels[k]);
                            }
                        }
                    }
                }
            }
        }
        return fig;
    }

    /** Clamped 8-bit RGB of pixel (x, y) of a (C, H, W) image at {@code offset}; one channel is drawn grey. */
    private static int rgb(float[] a, int image, int offset, int c, int size, int x, int y, Display display) {
        int[] v = new int[3];
        for (int ch = 0; ch < 3; ch++) {
            int src = c == 1 ? 0 : ch;
            float value = display.intensity(image, src, a[offset + (src * size + y) * size + x]);
            v[ch] = Math.round(Math.max(0f, Math.min(1f, value)) * 255f);
        }
        return v[0] << 16 | v[1] << 8 | v[2];
    }

    /**
     * Each image stretched from its own minimum to its maximum (over its channels): the model does not know the
     * pipeline's {@code Normalize}, so the TensorBoard figure shows contrast, not the true colours that
     * {@code tools/reconstruct} restores.
     */
    public static Display stretched(float[] originals, int n) {
        int per = originals.length / n;
        float[] lo = new float[n];
        float[] span = new float[n];
        for (int i = 0; i < n; i++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = i * per; j < (i + 1) * per; j++) {
                min = Math.min(min, originals[j]);
                max = Math.max(max, originals[j]);
            }
            lo[i] = min;
            span[i] = max > min ? max - min : 1f;
        }
        return (image, channel, value) -> (value - lo[image]) / span[image];
    }
}
