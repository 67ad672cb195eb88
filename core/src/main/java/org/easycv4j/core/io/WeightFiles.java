package org.easycv4j.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;

/**
 * Reads named weights from any file the project accepts as {@code pretrained}: a safetensors file, a
 * PyTorch {@code torch.save} file ({@code .pth}, {@code .pt}, {@code .bin}; recognised by content, not by
 * name), or a checkpoint / export folder (its {@code model.safetensors}).
 */
public final class WeightFiles {
    /** The weights file of a checkpoint or export folder. */
    public static final String FOLDER_WEIGHTS = "model.safetensors";

    private WeightFiles() {}

    /** The file that {@code source} stands for: itself, or the weights file of a folder. */
    public static Path resolve(Path source) {
        return Files.isDirectory(source) ? source.resolve(FOLDER_WEIGHTS) : source;
    }

    /**
     * Records a problem at {@code key} of {@code node} when {@code source} is set but names no weights file
     * (the {@code pretrained} check of the models' settings, so a typo fails {@code --dry-run}).
     */
    public static void checkExists(ConfigNode node, String key,
            Optional<Path> source) {
        source.ifPresent(p -> node.check(Files.isRegularFile(resolve(p)), key, "expected a .safetensors or .pth "
                + "file or a checkpoint folder holding " + FOLDER_WEIGHTS + "; not found: " + p.toAbsolutePath()));
    }

    /** Every tensor by name, in the file's order, as arrays of {@code manager}. */
    public static Map<String, NDArray> read(Path source, NDManager manager) throws IOException {
        Path file = resolve(source);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no weights file at " + file);
        }
        boolean torchSave = TorchCheckpoint.isZip(file) || TorchCheckpoint.isLegacy(file);
        return torchSave ? TorchCheckpoint.readStateDict(file, manager) : SafeTensors.read(file, manager);
    }
}
