package org.easycv4j.tools.reconstruct;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.checkpoint.TrainedModels;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.util.AtomicFiles;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.pipeline.Normalize;
import org.easycv4j.data.pipeline.Transform;
import org.easycv4j.models.mae.MaeFigure;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeSettings;

/**
 * Runs an MAE training checkpoint on single images and draws the figure ({@link MaeFigure}): original | masked
 * input | reconstruction | reconstruction with the visible patches pasted back. The model and the pixel normalization
 * ({@code Normalize} in {@code data.train.pipeline}) come from the configuration stored in the checkpoint.
 * With {@code norm_pix_loss} the predictions are per-patch normalized pixels; they are mapped back with the
 * mean and (unbiased) variance of the original image's patch, as the loss normalized its target.
 */
public final class Reconstructor {

    private final MaeModel model;
    private final MaeSettings settings;
    private final float[] mean;
    private final float[] std;
    private final NDManager manager;

    /** One image's result. */
    public record Result(double loss, int removedPatches, float[] mask) {}

    /**
     * Loads {@code checkpoint} (a training checkpoint folder of an MAE run) into {@code manager}.
     *
     * @param maskRatio overrides the model's {@code mask_ratio} when present
     */
    public Reconstructor(Path checkpoint, OptionalDouble maskRatio, NDManager manager) throws IOException {
        this.manager = manager;
        if (Files.isRegularFile(checkpoint.resolve("export.json"))) {
            throw new IOException(checkpoint + " is an export; MAE exports hold the encoder only. Reconstructions "
                    + "need a training checkpoint folder (WORK_DIR/epoch_N) with the decoder");
        }
        if (!Files.isRegularFile(checkpoint.resolve(Checkpoints.STATE))) {
            throw new IOException(checkpoint + " is not a checkpoint folder (expected " + Checkpoints.STATE + " and "
                    + Checkpoints.MODEL + ", as written by tools/train)");
        }
        ExperimentLoader.Part part = new ExperimentLoader().storedPart(Checkpoints.readConfig(checkpoint),
                checkpoint.resolve(Checkpoints.STATE).toString());
        if (maskRatio.isPresent()) {
            part = part.with("model.mask_ratio", maskRatio.getAsDouble());
        }
        Spec<TaskModel> spec = part.component("model", TaskModel.KIND);
        TaskModel built = spec.create(new BuildContext(checkpoint, 0, 1, false));
        if (!(built instanceof MaeModel mae)) {
            throw new IOException(checkpoint + ": model.type is " + spec.type() + "; reconstructions need an MAE");
        }
        this.model = TrainedModels.load(mae, checkpoint, manager, 1);
        this.settings = mae.settings();
        int c = settings.encoder().inChans();
        float[][] norm = normalization(part.components("data.train.pipeline", DataKinds.TRANSFORM), c, checkpoint);
        this.mean = norm[0];
        this.std = norm[1];
    }

    public MaeSettings settings() {
        return settings;
    }

    /** Patches per image (the length of one row of masking noise). */
    public int numPatches() {
        return settings.encoder().numPatches();
    }

    /** The training pipeline's {@code Normalize} mean and std; identity when it has none. */
    private static float[][] normalization(List<Spec<Transform>> pipeline, int channels, Path checkpoint)
            throws IOException {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        Arrays.fill(std, 1f);
        for (Spec<Transform> step : pipeline) {
            if (step.settings() instanceof Normalize.Settings n) {
                if (n.mean().size() != channels || n.std().size() != channels) {
                    throw new IOException(checkpoint + ": Normalize has " + n.mean().size() + " means and "
                            + n.std().size() + " stds for a " + channels + "-channel model");
                }
                for (int i = 0; i < channels; i++) {
                    mean[i] = n.mean().get(i).floatValue();
                    std[i] = n.std().get(i).floatValue();
                }
            }
        }
        return new float[][] {mean, std};
    }

    /** The image resized (bilinear) to the model's square input, as normalized floats (C, H, W). */
    public float[] preprocess(Path file) throws IOException {
        BufferedImage src = ImageIO.read(file.toFile());
        if (src == null) {
            throw new IOException(file + ": not an image ImageIO can decode (PNG, JPEG, BMP, GIF)");
        }
        int size = settings.encoder().imgSize();
        int c = settings.encoder().inChans();
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, size, size, null);
        g.dispose();
        float[] out = new float[c * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int gr = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (c == 1) {
                    float luma = Math.round(0.299f * r + 0.587f * gr + 0.114f * b);
                    out[y * size + x] = (luma / 255f - mean[0]) / std[0];
                } else {
                    int[] v = {r, gr, b};
                    for (int ch = 0; ch < 3; ch++) {
                        out[(ch * size + y) * size + x] = (v[ch] / 255f - mean[ch]) / std[ch];
                    }
                }
            }
        }
        return out;
    }

    /** Reconstructs {@code image} with masking {@code noise} (L values) and writes the figure to {@code figure}. */
    public Result reconstruct(Path image, float[] noise, Path figure) throws IOException {
        int size = settings.encoder().imgSize();
        int c = settings.encoder().inChans();
        int l = numPatches();
        if (noise.length != l) {
            throw new IllegalArgumentException("masking noise for " + image + " has " + noise.length
                    + " values, the model has " + l + " patches");
        }
        float[] pixels = preprocess(image);
        float[][] out;
        double[] loss = new double[1];
        try (NDManager step = manager.newSubManager()) {
            out = MaeFigure.reconstruct(model, step, step.create(pixels, new Shape(1, c, size, size)),
                    step.create(noise, new Shape(1, l)), loss);
        }
        float[] mask = out[1];
        BufferedImage fig = MaeFigure.draw(pixels, out[0], mask, 1, size, c, settings.encoder().patchSize(),
                (i, ch, v) -> v * std[ch] + mean[ch]);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(fig, "png", png);
        AtomicFiles.write(figure, png.toByteArray());
        int removed = 0;
        for (float v : mask) {
            removed += v > 0.5f ? 1 : 0;
        }
        return new Result(loss[0], removed, mask);
    }

    /** The figure's size in pixels: {width, height}. */
    public int[] figureSize() {
        return MaeFigure.size(settings.encoder().imgSize(), 1);
    }
}
