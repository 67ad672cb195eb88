package org.easycv4j.tools.reconstruct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
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
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.util.AtomicFiles;
import org.easycv4j.models.mae.MaeModel;
import org.easycv4j.models.mae.MaeNetwork;
import org.easycv4j.models.mae.MaeSettings;

/**
 * Runs an MAE training checkpoint on single images and draws the figure: original | masked input |
 * reconstruction | reconstruction with the visible patches pasted back. The model and the pixel normalization
 * ({@code Normalize} in {@code data.train.pipeline}) come from the configuration stored in the checkpoint.
 * With {@code norm_pix_loss} the predictions are per-patch normalized pixels; they are mapped back with the
 * mean and (unbiased) variance of the original image's patch, as the loss normalized its target.
 */
public final class Reconstructor {
    /** Figures are drawn with each panel at least this many pixels wide (nearest-neighbour upscaling). */
    public static final int MIN_PANEL = 128;
    /** White pixels between panels. */
    public static final int GAP = 4;

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
        Config config = ConfigLoader.parseStored(Checkpoints.readConfig(checkpoint),
                checkpoint.resolve(Checkpoints.STATE).toString());
        if (maskRatio.isPresent()) {
            config = config.withValue("model.mask_ratio", ConfigValueFactory.fromAnyRef(maskRatio.getAsDouble()));
        }
        ConfigNode root = ConfigNode.root(config);
        Injector injector = Injectors.create();
        Spec<TaskModel> spec = injector.getInstance(Components.class).parseRequired(root, "model", CoreKinds.MODEL)
                .orElse(null);
        root.problems().throwIfAny();
        TaskModel built = spec.create(new BuildContext(checkpoint, 0, 1, false));
        if (!(built instanceof MaeModel mae)) {
            throw new IOException(checkpoint + ": model.type is " + spec.type() + "; reconstructions need an MAE");
        }
        this.model = mae;
        this.settings = mae.network().settings();
        model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(1));
        WeightLoader.load(checkpoint, model.namedParameters(), model.nameMapping(), LoadPolicy.STRICT, manager);
        int c = settings.encoder().inChans();
        float[][] norm = normalization(config, c, checkpoint);
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

    /** {@code Normalize}'s mean and std from {@code data.train.pipeline}; identity when there is none. */
    private static float[][] normalization(Config config, int channels, Path checkpoint) throws IOException {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        Arrays.fill(std, 1f);
        if (!config.hasPath("data.train.pipeline")) {
            return new float[][] {mean, std};
        }
        for (ConfigValue step : config.getList("data.train.pipeline")) {
            if (step instanceof ConfigObject o && "Normalize".equals(o.toConfig().hasPath("type")
                    ? o.toConfig().getString("type") : null)) {
                List<Double> m = o.toConfig().getDoubleList("mean");
                List<Double> s = o.toConfig().getDoubleList("std");
                if (m.size() != channels || s.size() != channels) {
                    throw new IOException(checkpoint + ": Normalize has " + m.size() + " means and " + s.size()
                            + " stds for a " + channels + "-channel model");
                }
                for (int i = 0; i < channels; i++) {
                    mean[i] = m.get(i).floatValue();
                    std[i] = s.get(i).floatValue();
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
        int p = settings.encoder().patchSize();
        int l = numPatches();
        if (noise.length != l) {
            throw new IllegalArgumentException("masking noise for " + image + " has " + noise.length
                    + " values, the model has " + l + " patches");
        }
        float[] pixels = preprocess(image);
        float[] recon;
        float[] mask;
        double loss;
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(pixels, new Shape(1, c, size, size));
            NDArray nz = step.create(noise, new Shape(1, l));
            StepOutput out = model.forward(new ParameterStore(step, false),
                    new Batch(new NDList(x, nz), new NDList(), 1), false);
            loss = out.loss().getFloat();
            NDArray pred = out.outputs().get(0);
            if (settings.normPixLoss()) {
                NDArray target = MaeNetwork.patchify(x, p);
                long dim = target.getShape().get(2);
                NDArray m = target.mean(new int[] {-1}, true);
                NDArray var = target.sub(m).square().sum(new int[] {-1}, true).div(dim - 1);
                pred = pred.mul(var.add(1e-6f).sqrt()).add(m);
            }
            recon = MaeNetwork.unpatchify(pred, p, c).toFloatArray();
            mask = out.outputs().get(1).toFloatArray();
        }
        writeFigure(figure, pixels, recon, mask);
        int removed = 0;
        for (float v : mask) {
            removed += v > 0.5f ? 1 : 0;
        }
        return new Result(loss, removed, mask);
    }

    /** The figure's size in pixels: {width, height}. */
    public int[] figureSize() {
        int s = panel();
        return new int[] {4 * s + 3 * GAP, s};
    }

    private int panel() {
        int size = settings.encoder().imgSize();
        return size * Math.max(1, (MIN_PANEL + size - 1) / size);
    }

    private void writeFigure(Path file, float[] original, float[] recon, float[] mask) throws IOException {
        int size = settings.encoder().imgSize();
        int c = settings.encoder().inChans();
        int p = settings.encoder().patchSize();
        int grid = size / p;
        int s = panel();
        int scale = s / size;
        int[] dims = figureSize();
        BufferedImage fig = new BufferedImage(dims[0], dims[1], BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < dims[1]; y++) {
            for (int x = 0; x < dims[0]; x++) {
                fig.setRGB(x, y, 0xffffff);
            }
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean removed = mask[(y / p) * grid + x / p] > 0.5f;
                int orig = rgb(original, c, size, x, y);
                int rec = rgb(recon, c, size, x, y);
                int[] panels = {orig, removed ? 0x808080 : orig, rec, removed ? rec : orig};
                for (int k = 0; k < 4; k++) {
                    int x0 = k * (s + GAP) + x * scale;
                    int y0 = y * scale;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            fig.setRGB(x0 + dx, y0 + dy, panels[k]);
                        }
                    }
                }
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(fig, "png", png);
        AtomicFiles.write(file, png.toByteArray());
    }

    /** Un-normalized, clamped 8-bit RGB of pixel (x, y) of a (C, H, W) array. */
    private int rgb(float[] a, int c, int size, int x, int y) {
        int[] v = new int[3];
        for (int ch = 0; ch < 3; ch++) {
            int src = c == 1 ? 0 : ch;
            float value = a[(src * size + y) * size + x] * std[src] + mean[src];
            v[ch] = Math.round(Math.max(0f, Math.min(1f, value)) * 255f);
        }
        return v[0] << 16 | v[1] << 8 | v[2];
    }
}
