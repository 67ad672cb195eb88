package org.easycv4j.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.util.AtomicFiles;

/**
 * Writes and reads checkpoint folders:
 * <pre>
 * epoch_3/
 *   model.safetensors      every model parameter by its dotted name
 *   optimizer.safetensors  the optimizer state by name (exp_avg.blocks.0.attn.qkv.weight, ...)
 *   state.json             epoch, iteration, optimizer steps, seed, metrics, resolved config, provenance,
 *                          and each other file's size and SHA-256 ("files")
 * </pre>
 * The folder is written under a temporary name and renamed in one step, so a crash while writing leaves the
 * earlier checkpoints as they were. Every reader of a tensor file of the folder (resume, load_from, eval,
 * export) checks it against the size and digest recorded at save time first ({@link #verify}), so a file damaged
 * afterwards is refused by name instead of training on corrupted weights. Nothing depends on parameter order.
 */
public final class Checkpoints {
    public static final String MODEL = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";
    /** The key of state.json that records each file's size and SHA-256. */
    static final String FILES = "files";
    /** The {@code format} of every file of a checkpoint folder written by this trainer. */
    public static final String FORMAT = "easycv4j-checkpoint-1";
    /**
     * Tests only: milliseconds to wait with the folder half written (the model file in place, nothing else), so
     * that a test can signal or kill the process during a write. Not a setting.
     */
    static final String TEST_WRITE_DELAY = "easycv4j.test.checkpointWriteDelayMs";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    private Checkpoints() {}

    /** The model parameters as named arrays, in the model's order. */
    public static Map<String, NDArray> modelTensors(List<NamedParameter> params) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (NamedParameter p : params) {
            if (out.put(p.name(), p.parameter().getArray()) != null) {
                throw new IllegalStateException("two parameters are named \"" + p.name() + "\"");
            }
        }
        return out;
    }

    /**
     * Writes a checkpoint folder {@code target} atomically.
     *
     * @param resolvedConfig the run's resolved configuration (HOCON text)
     * @param provenanceJson the run's provenance (JSON text)
     */
    public static void save(Path target, List<NamedParameter> params, Optimizer optimizer, CheckpointState state,
            String resolvedConfig, String provenanceJson) throws IOException {
        save(target, params, optimizer, Map.of(), state, resolvedConfig, provenanceJson);
    }

    /**
     * As {@link #save(Path, List, Optimizer, CheckpointState, String, String)}, with more training state (the
     * loss scaler's) stored next to the optimizer's under its own names.
     */
    public static void save(Path target, List<NamedParameter> params, Optimizer optimizer,
            Map<String, NDArray> extraState, CheckpointState state, String resolvedConfig, String provenanceJson)
            throws IOException {
        save(target, params, optimizer, extraState, Map.of(), state, resolvedConfig, provenanceJson);
    }

    /**
     * As above, plus named-tensor files of their own in the folder ({@code ema.safetensors}: file name to
     * tensors), written in the same atomic move.
     */
    public static void save(Path target, List<NamedParameter> params, Optimizer optimizer,
            Map<String, NDArray> extraState, Map<String, Map<String, NDArray>> extraFiles, CheckpointState state,
            String resolvedConfig, String provenanceJson) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = AtomicFiles.tempDirectory(parent, "." + target.getFileName() + ".");
        Map<String, NDArray> optimizerState = new LinkedHashMap<>();
        if (optimizer != null) {
            optimizerState.putAll(optimizer.state());
            optimizerState.putAll(extraState);
        }
        JsonObject json = GSON.toJsonTree(state).getAsJsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("config", resolvedConfig);
        json.add("provenance", JsonParser.parseString(provenanceJson));
        byte[] stateBytes = GSON.toJson(json).getBytes(StandardCharsets.UTF_8);
        String writing = MODEL;
        try {
            Map<String, String> meta = Map.of("format", FORMAT);
            testDiskFull();
            SafeTensors.write(tmp.resolve(MODEL), modelTensors(params), meta);
            testDelay();
            if (optimizer != null) {
                writing = OPTIMIZER;
                SafeTensors.write(tmp.resolve(OPTIMIZER), optimizerState, meta);
            }
            for (Map.Entry<String, Map<String, NDArray>> f : extraFiles.entrySet()) {
                writing = f.getKey();
                SafeTensors.write(tmp.resolve(f.getKey()), f.getValue(), meta);
            }
            json.add(FILES, digests(tmp));
            writing = STATE;
            AtomicFiles.write(tmp.resolve(STATE), GSON.toJson(json).getBytes(StandardCharsets.UTF_8));
            if (Files.exists(target)) {
                throw new FileAlreadyExistsException(target + " exists; checkpoints are never overwritten");
            }
            writing = "the folder's final name";
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            // The half-written folder first: the free space reported is then what a retry would have.
            try {
                deleteTree(tmp);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            long needed = tensorBytes(modelTensors(params)) + tensorBytes(optimizerState) + stateBytes.length;
            for (Map<String, NDArray> f : extraFiles.values()) {
                needed += tensorBytes(f);
            }
            throw new CheckpointWriteException(target, writing, needed, usableSpace(parent), e);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Each file of the folder being saved: {@code {"model.safetensors": {"bytes": N, "sha256": "..."}}}. */
    private static JsonObject digests(Path folder) throws IOException {
        JsonObject files = new JsonObject();
        List<Path> all;
        try (Stream<Path> list = Files.list(folder)) {
            all = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : all) {
            JsonObject one = new JsonObject();
            one.addProperty("bytes", Files.size(f));
            one.addProperty("sha256", sha256(f));
            files.add(f.getFileName().toString(), one);
        }
        return files;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Checks {@code name} of checkpoint folder {@code checkpoint} against the size and SHA-256 its
     * {@code state.json} recorded when it was saved; a folder whose {@code state.json} records no digests (an
     * older or a foreign checkpoint) passes unchecked. The IOException names the file and what differs.
     */
    public static void verify(Path checkpoint, String name) throws IOException {
        Path state = checkpoint.resolve(STATE);
        if (!Files.isRegularFile(state)) {
            return;
        }
        JsonObject json = readJson(checkpoint);
        if (!json.has(FILES) || !json.get(FILES).isJsonObject()) {
            return;
        }
        JsonObject files = json.getAsJsonObject(FILES);
        Path file = checkpoint.resolve(name);
        if (!files.has(name)) {
            throw new IOException(file + ": not one of the files " + state + " records (" + String.join(", ",
                    files.keySet()) + "); it was added after the save");
        }
        JsonObject want = files.getAsJsonObject(name);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing (" + state + " records it); restore it, or resume from "
                    + "another checkpoint");
        }
        long bytes = Files.size(file);
        long recorded = want.get("bytes").getAsLong();
        String fix = "; it was changed or damaged after the save: restore it, or use another checkpoint";
        if (bytes != recorded) {
            throw new IOException(file + " is damaged: " + bytes + " bytes, " + state + " recorded " + recorded + fix);
        }
        if (!sha256(file).equals(want.get("sha256").getAsString())) {
            throw new IOException(file + " is damaged: its SHA-256 differs from the one " + state + " recorded" + fix);
        }
    }

    /** The bytes of the tensors' data (a safetensors file adds a header of a few hundred bytes per tensor). */
    static long tensorBytes(Map<String, NDArray> tensors) {
        long n = 0;
        for (NDArray a : tensors.values()) {
            n += a.getShape().size() * a.getDataType().getNumOfBytes();
        }
        return n;
    }

    private static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    /**
     * Tests only: the first file of a checkpoint fails as a full disk makes it fail (an IOException with the
     * operating system's text), since a test cannot fill a disk. Not a setting.
     */
    public static final String TEST_DISK_FULL = "easycv4j.test.checkpointDiskFull";

    private static void testDiskFull() throws IOException {
        if (Boolean.getBoolean(TEST_DISK_FULL)) {
            throw new IOException("No space left on device");
        }
    }

    private static void testDelay() throws IOException {
        long millis = Long.getLong(TEST_WRITE_DELAY, 0);
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing a checkpoint");
        }
    }

    /** The state sidecar of a checkpoint folder. */
    public static CheckpointState readState(Path checkpoint) throws IOException {
        return GSON.fromJson(readJson(checkpoint), CheckpointState.class);
    }

    /** The resolved configuration stored in a checkpoint. */
    public static String readConfig(Path checkpoint) throws IOException {
        JsonObject json = readJson(checkpoint);
        if (!json.has("config") || !json.get("config").isJsonPrimitive()) {
            throw new IOException(checkpoint.resolve(STATE) + " holds no resolved config");
        }
        return json.get("config").getAsString();
    }

    /**
     * The state sidecar as JSON, refused with the file named when it is missing, not JSON, or not of
     * {@link #FORMAT}: what every reader of a checkpoint folder checks first.
     */
    public static JsonObject readJson(Path checkpoint) throws IOException {
        Path file = checkpoint.resolve(STATE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(checkpoint + " is not a checkpoint folder (no " + STATE + ")");
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(Files.readString(file));
        } catch (JsonParseException | java.nio.charset.MalformedInputException e) {
            // The parser's own words, without the wrapping class names and its second line (a link).
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            throw new IOException(file + " is not JSON: " + String.valueOf(t.getMessage()).lines().findFirst().orElse(""));
        }
        if (!json.isJsonObject() || !json.getAsJsonObject().has("format")
                || !FORMAT.equals(json.getAsJsonObject().get("format").getAsString())) {
            throw new IOException(file + " is not the state of a checkpoint written by this trainer (no \"format\": \""
                    + FORMAT + "\")");
        }
        return json.getAsJsonObject();
    }

    /** Loads the optimizer state of a checkpoint folder. */
    public static void loadOptimizer(Path checkpoint, Optimizer optimizer, long steps, NDManager manager)
            throws IOException {
        loadOptimizer(checkpoint, optimizer, Optional.empty(), steps, manager);
    }

    /**
     * Loads the optimizer state and, when training with mixed precision, the loss scaler's (a checkpoint of
     * a float32 run has none: the scaler keeps its initial scale). Scaler entries of an fp16 checkpoint are
     * ignored by a float32 run.
     */
    public static void loadOptimizer(Path checkpoint, Optimizer optimizer,
            Optional<LossScaler> scaler, long steps, NDManager manager)
            throws IOException {
        verify(checkpoint, OPTIMIZER);
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> all = new LinkedHashMap<>(SafeTensors.read(checkpoint.resolve(OPTIMIZER),
                    scope));
            Map<String, NDArray> amp = new LinkedHashMap<>();
            all.keySet().removeIf(k -> {
                if (k.startsWith(LossScaler.PREFIX)) {
                    amp.put(k, all.get(k));
                    return true;
                }
                return false;
            });
            optimizer.loadState(all, steps);
            scaler.ifPresent(s -> s.loadState(amp));
        }
    }

    /** The temporary folder of a save: {@code .epoch_3.k2j9x0a.tmp}, from {@link #save}. */
    private static final java.util.regex.Pattern INTERRUPTED =
            java.util.regex.Pattern.compile("\\.((epoch|iter)_\\d+|best_.+_epoch_\\d+)\\.[0-9a-z]+\\.tmp");

    /**
     * Removes the temporary folders that saves interrupted by a kill left in {@code workDir}; returns their names.
     * Only for the holder of the work dir's lock: a live run's save in progress looks the same.
     */
    public static List<String> removeInterruptedSaves(Path workDir) throws IOException {
        if (!Files.isDirectory(workDir)) {
            return List.of();
        }
        List<Path> found;
        try (Stream<Path> children = Files.list(workDir)) {
            found = children.filter(p -> INTERRUPTED.matcher(p.getFileName().toString()).matches()
                    && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path p : found) {
            deleteTree(p);
        }
        return found.stream().map(p -> p.getFileName().toString()).toList();
    }

    /** Deletes a folder tree if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
