package org.easycv4j.models.cls;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easycv4j.core.io.WeightFiles;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.models.interop.CheckpointNames;

/**
 * Loads a pretrained encoder (an MAE or ViT checkpoint: safetensors or a PyTorch {@code .pth}, with timm /
 * MAE-repository names or Hugging Face names mapped by {@link CheckpointNames}) into a
 * {@link ViTClassifier}. Names must otherwise match exactly: no other prefix is stripped, so a checkpoint that matches nothing
 * fails loudly instead of loading nothing. An encoder parameter missing from the checkpoint or of another
 * shape is an error; {@code head.*} and {@code fc_norm.*} may be missing (they are new); decoder entries and
 * {@code mask_token} are ignored; {@code pos_embed} is interpolated when the patch grid differs.
 */
public final class PretrainedLoader {
    private PretrainedLoader() {}

    /** Loads {@code file} (a weights file or a checkpoint / export folder). */
    public static PretrainedReport load(Path file, ViTClassifier model, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> ckpt = CheckpointNames.read(file, scope);
            return load(WeightFiles.resolve(file).toString(), ckpt, model);
        }
    }

    /** Loads from named tensors; {@code source} names them in messages. */
    public static PretrainedReport load(String source, Map<String, NDArray> ckpt, ViTClassifier model) {
        List<String> loaded = new ArrayList<>();
        List<String> missingExpected = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> interpolated = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean globalPool = model.network().globalPool();

        for (NamedParameter np : model.namedParameters()) {
            String name = np.name();
            names.add(name);
            NDArray dst = np.parameter().getArray();
            NDArray src = ckpt.get(name);
            boolean isNew = name.startsWith("head.") || name.startsWith("fc_norm.");
            if (src == null) {
                if (isNew) {
                    missingExpected.add(name);
                } else {
                    errors.add("missing encoder parameter \"" + name + "\" " + dst.getShape());
                }
                continue;
            }
            if (!src.getShape().equals(dst.getShape())) {
                if (name.equals("pos_embed") && canInterpolate(src.getShape(), dst.getShape())) {
                    src = interpolate(src, dst.getShape());
                    interpolated.add(name + " " + ckpt.get(name).getShape() + " -> " + dst.getShape());
                } else if (isNew) {
                    mismatched.add(name + " " + src.getShape() + " (model " + dst.getShape() + ")");
                    continue;
                } else {
                    errors.add("\"" + name + "\" has shape " + src.getShape() + ", the model expects "
                            + dst.getShape());
                    continue;
                }
            }
            dst.set(src.toType(dst.getDataType(), false).toByteBuffer());
            loaded.add(name);
        }
        for (String key : ckpt.keySet()) {
            if (names.contains(key)) {
                continue;
            }
            boolean pretrainOnly = key.startsWith("decoder_") || key.equals("mask_token")
                    || (globalPool && key.startsWith("norm."));
            (pretrainOnly ? ignored : unexpected).add(key);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(source + ": cannot load the pretrained encoder: "
                    + String.join("; ", errors));
        }
        return new PretrainedReport(loaded, missingExpected, ignored, unexpected, mismatched, interpolated);
    }

    private static boolean canInterpolate(Shape src, Shape dst) {
        if (src.dimension() != 3 || dst.dimension() != 3 || src.get(2) != dst.get(2)) {
            return false;
        }
        return isSquare(src.get(1) - 1) && isSquare(dst.get(1) - 1);
    }

    private static boolean isSquare(long n) {
        long r = Math.round(Math.sqrt(n));
        return r * r == n && n > 0;
    }

    private static NDArray interpolate(NDArray src, Shape dst) {
        int dim = (int) dst.get(2);
        int from = (int) Math.round(Math.sqrt(src.getShape().get(1) - 1));
        int to = (int) Math.round(Math.sqrt(dst.get(1) - 1));
        float[] values = src.toType(DataType.FLOAT32, false).toFloatArray();
        float[] resized = PosEmbedInterpolation.resize(values, 1, dim, from, to);
        return src.getManager().create(resized, dst);
    }
}
