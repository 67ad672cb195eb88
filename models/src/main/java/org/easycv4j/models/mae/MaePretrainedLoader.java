package org.easycv4j.models.mae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easycv4j.core.io.WeightFiles;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.models.cls.PretrainedReport;
import org.easycv4j.models.interop.CheckpointNames;

/**
 * Loads weights into an {@link MaeModel}: an MAE checkpoint with its decoder (the MAE repository's
 * {@code *_full.pth}, Hugging Face's {@code ViTMAEForPreTraining}, our checkpoints) or an encoder only (then the
 * decoder stays as initialized). Every encoder parameter must be present with its shape; a file that has a
 * decoder must have all of it with matching shapes; the fixed sin-cos tables ({@code pos_embed},
 * {@code decoder_pos_embed}) may be missing. A fine-tuned classifier's {@code head.*} and {@code fc_norm.*} are
 * ignored; any other entry is reported as unexpected.
 */
public final class MaePretrainedLoader {
    private MaePretrainedLoader() {}

    /** Loads {@code source} (a weights file or a checkpoint folder). */
    public static PretrainedReport load(Path source, MaeModel model, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> ckpt = CheckpointNames.read(source, scope);
            return load(WeightFiles.resolve(source).toString(), ckpt, model);
        }
    }

    /** Loads from named tensors (our names); {@code source} names them in messages. */
    public static PretrainedReport load(String source, Map<String, NDArray> ckpt, MaeModel model) {
        boolean hasDecoder = ckpt.keySet().stream().anyMatch(MaePretrainedLoader::isDecoder);
        List<String> loaded = new ArrayList<>();
        List<String> leftInitialized = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (NamedParameter np : model.namedParameters()) {
            String name = np.name();
            names.add(name);
            NDArray dst = np.parameter().getArray();
            NDArray src = ckpt.get(name);
            if (src == null) {
                boolean fixedTable = name.equals("pos_embed") || name.equals("decoder_pos_embed");
                if (fixedTable || (!hasDecoder && isDecoder(name))) {
                    leftInitialized.add(name);
                } else {
                    errors.add("missing " + (isDecoder(name) ? "decoder" : "encoder") + " parameter \"" + name
                            + "\" " + dst.getShape());
                }
                continue;
            }
            if (!src.getShape().equals(dst.getShape())) {
                errors.add("\"" + name + "\" has shape " + src.getShape() + ", the model expects " + dst.getShape());
                continue;
            }
            dst.set(src.toType(dst.getDataType(), false).toByteBuffer());
            loaded.add(name);
        }
        for (String key : ckpt.keySet()) {
            if (!names.contains(key)) {
                boolean fineTuneOnly = key.startsWith("head.") || key.startsWith("fc_norm.");
                (fineTuneOnly ? ignored : unexpected).add(key);
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(source + ": cannot load the MAE weights: " + String.join("; ", errors)
                    + (unexpected.isEmpty() ? "" : "; unexpected entries: " + unexpected));
        }
        return new PretrainedReport(loaded, leftInitialized, ignored, unexpected, List.of(), List.of());
    }

    private static boolean isDecoder(String name) {
        return name.startsWith("decoder_") || name.equals("mask_token");
    }
}
