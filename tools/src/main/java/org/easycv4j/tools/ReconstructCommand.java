package org.easycv4j.tools;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.easycv4j.models.mae.MaeFigure;
import org.easycv4j.tools.reconstruct.Npy;
import org.easycv4j.tools.reconstruct.Reconstructor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tools/reconstruct CKPT IMAGE... [--mask-ratio R] [--seed S] [--mask-noise NOISE.npy] [--out DIR]}:
 * MAE reconstruction figures and losses.
 */
@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Run an MAE training checkpoint on images: writes OUT/<index>_<name>.png (original | masked "
                + "| reconstruction | reconstruction with the visible patches pasted back) and prints JSON with the "
                + "loss per image.")
public final class ReconstructCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CKPT", description = "an MAE training checkpoint folder (WORK_DIR/epoch_N)")
    Path checkpoint;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "image files")
    List<Path> images;

    @Option(names = "--mask-ratio", paramLabel = "R", description = "fraction of patches removed (default: the "
            + "model's mask_ratio)")
    Double maskRatio;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the masking noise (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--mask-noise", paramLabel = "NOISE.npy", description = "NumPy float array (N, L), or (L,) for "
            + "one image: the masking noise (the patches with the smallest values stay visible)")
    Path maskNoise;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("reconstructions");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maskRatio != null && !(maskRatio > 0 && maskRatio < 1)) {
            return fail("--mask-ratio must be in (0, 1), got " + maskRatio);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Reconstructor r;
            float[][] noise;
            try {
                r = new Reconstructor(checkpoint, maskRatio == null ? OptionalDouble.empty()
                        : OptionalDouble.of(maskRatio), manager);
                noise = noise(r.numPatches());
            } catch (IOException | IllegalArgumentException e) {
                return fail(e.getMessage());
            }
            Files.createDirectories(out);
            List<Map<String, Object>> results = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Path image = images.get(i);
                String stem = image.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                Path figure = out.resolve(i + "_" + stem + ".png");
                Reconstructor.Result res;
                try {
                    res = r.reconstruct(image, noise[i], figure);
                } catch (IOException e) {
                    return fail(e.getMessage());
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("image", image.toString());
                item.put("figure", figure.toString());
                item.put("loss", res.loss());
                item.put("removed_patches", res.removedPatches());
                results.add(item);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("checkpoint", checkpoint.toString());
            json.put("mask_ratio", r.settings().maskRatio());
            json.put("norm_pix_loss", r.settings().normPixLoss());
            json.put("mask_noise", maskNoise == null ? "seed " + seed : maskNoise.toString());
            json.put("images", results);
            spec.commandLine().getOut().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
                    .toJson(json));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** One row of masking noise per image: from --mask-noise, else uniform [0, 1) from --seed. */
    private float[][] noise(int patches) throws IOException {
        int n = images.size();
        float[][] rows = new float[n][patches];
        if (maskNoise == null) {
            return MaeFigure.noise(seed, n, patches);
        }
        Npy npy = Npy.read(maskNoise);
        long[] shape = npy.shape();
        boolean matrix = shape.length == 2 && shape[0] == n && shape[1] == patches;
        boolean vector = shape.length == 1 && n == 1 && shape[0] == patches;
        if (!matrix && !vector) {
            throw new IllegalArgumentException(maskNoise + ": masking noise of shape "
                    + Arrays.toString(shape) + "; expected (" + n + ", " + patches + ") for " + n
                    + " image(s) of " + patches + " patches" + (n == 1 ? " (or (" + patches + ",))" : ""));
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(npy.data(), i * patches, rows[i], 0, patches);
        }
        return rows;
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("error: " + message);
        spec.commandLine().getErr().flush();
        return Main.USER_ERROR;
    }
}
