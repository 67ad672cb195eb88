package org.easycv4j.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.io.WeightFiles;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.model.NamedParameter;

/**
 * The one routine that puts named weights into a model's parameters: match names, check shapes, copy, classify
 * what is left over, report. A {@link LoadPolicy} decides what is tolerated; a {@link NameMapping} renames the
 * file's tensors first. Resuming, {@code load_from}, evaluation, export and every model's {@code pretrained} go
 * through it, so they accept the same files and report mismatches the same way.
 */
public final class WeightLoader {
    /** The suffix of PyTorch's BatchNorm counter buffer, next to {@code running_mean} and {@code running_var}. */
    public static final String BATCH_NORM_COUNTER = "num_batches_tracked";

    private WeightLoader() {}

    /**
     * Reads {@code source} (a checkpoint or export folder, safetensors, or a PyTorch {@code torch.save} file),
     * renames its tensors with {@code names} and loads them under {@code policy}.
     */
    public static LoadReport load(Path source, List<NamedParameter> params, NameMapping names, LoadPolicy policy,
            NDManager manager) throws IOException {
        Path file = WeightFiles.resolve(source);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no model weights at " + file);
        }
        if (Files.isDirectory(source)) {
            Checkpoints.verify(source, file.getFileName().toString());
        }
        try (NDManager scope = manager.newSubManager()) {
            return load(file.toString(), names.apply(file.toString(), WeightFiles.read(file, scope)), params, policy);
        }
    }

    /** Loads named tensors; {@code source} names them in messages. */
    public static LoadReport load(String source, Map<String, NDArray> tensors, List<NamedParameter> params,
            LoadPolicy policy) throws WeightLoadException {
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> adapted = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, NDArray> remaining = new LinkedHashMap<>(tensors);
        List<Runnable> copies = new ArrayList<>();
        for (NamedParameter p : params) {
            String name = p.name();
            NDArray dst = p.parameter().getArray();
            NDArray src = remaining.remove(name);
            if (src == null) {
                if (policy.mayBeMissing(name, tensors.keySet())) {
                    missing.add(name);
                } else {
                    errors.add("missing " + name + " " + dst.getShape());
                }
                continue;
            }
            if (!src.getShape().equals(dst.getShape())) {
                NDArray resized = policy.adapt(name, src, dst.getShape());
                if (resized != null) {
                    adapted.add(name + " " + src.getShape() + " -> " + dst.getShape());
                    src = resized;
                } else if (policy.mayBeMissing(name, tensors.keySet())) {
                    mismatched.add(name + " " + src.getShape() + " (model " + dst.getShape() + ")");
                    continue;
                } else {
                    errors.add(name + " has shape " + src.getShape() + " in the file, " + dst.getShape()
                            + " in the model");
                    continue;
                }
            }
            NDArray from = src;
            copies.add(() -> copy(from, dst));
            loaded.add(name);
        }
        for (String key : remaining.keySet()) {
            (policy.ignorable(key) || isBatchNormCounter(key, params) ? ignored : unexpected).add(key);
        }
        if (policy.unexpectedIsError()) {
            unexpected.forEach(k -> errors.add("unexpected " + k));
        }
        if (!errors.isEmpty()) {
            throw new WeightLoadException(source + " does not match the model: " + String.join("; ", errors));
        }
        // Nothing is written unless everything fits: a failed load leaves the model as it was.
        copies.forEach(Runnable::run);
        return new LoadReport(loaded, missing, ignored, unexpected, mismatched, adapted);
    }

    /**
     * Whether {@code key} is PyTorch's BatchNorm counter of a BatchNorm the model has: it counts training
     * batches and only matters with {@code momentum=None}, which our BatchNorms do not use, so it is not a
     * parameter here but PyTorch state dicts (and our exports, for strict PyTorch loading) carry it.
     */
    static boolean isBatchNormCounter(String key, List<NamedParameter> params) {
        if (!key.endsWith("." + BATCH_NORM_COUNTER)) {
            return false;
        }
        String mean = key.substring(0, key.length() - BATCH_NORM_COUNTER.length()) + "running_mean";
        return params.stream().anyMatch(p -> p.name().equals(mean));
    }

    /** Copies values in place, keeping the destination's dtype, device and gradient attachment. */
    static void copy(NDArray src, NDArray dst) {
        NDArray s = src.toType(dst.getDataType(), false).toDevice(dst.getDevice(), false);
        dst.set(new NDIndex("..."), s);
    }
}
