package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.CheckpointWriteException;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.eval.KnnEvaluator;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.runner.CheckpointedHook;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves {@code epoch_N} every {@code interval} epochs and at the end, keeps the last {@code maxKeep}, and
 * tracks the best validation metric as {@code best_<metric>_epoch_N}. A failed write stops the run: a
 * training that cannot save is not worth continuing. {@code latest_checkpoint} names the newest folder.
 *
 * <p>A run stopped by a signal saves {@code iter_N} (N iterations done, possibly mid-epoch) through
 * {@link #saveForStop}; such a resume point is deleted once a later checkpoint is complete and named by
 * {@code latest_checkpoint}, so preemptions do not pile up copies of the model.
 */
public final class CheckpointHook implements Hook, TrainLoop.StopCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointHook.class);
    private static final Pattern EPOCH = Pattern.compile("epoch_(\\d+)");
    private static final Pattern ITER = Pattern.compile("iter_(\\d+)");
    /** The file naming the newest checkpoint folder. */
    public static final String LATEST = "latest_checkpoint";

    private int interval;
    private int maxKeep;
    private Optional<String> bestMetric = Optional.empty();
    private RunServices services;
    private double best = Double.NEGATIVE_INFINITY;
    private Path bestDir;
    private boolean trained;
    private final long clockStart = System.nanoTime();
    private Path lastSaved;
    private long lastSavedIter = -1;

    /**
     * Takes {@code checkpoint_config} ({@code interval}, {@code max_keep_ckpts}) and {@code eval_config.save_best}
     * from the run's settings, and what each checkpoint holds (parameters, optimizer, scaler, the checkpointed
     * hooks' files, the records) from its services.
     */
    @Override
    public void setUp(RunServices services) {
        this.services = services;
        Experiment e = services.experiment();
        interval = e.checkpoint().interval();
        maxKeep = e.checkpoint().maxKeep();
        bestMetric = e.eval().saveBest();
    }

    /** The folder name of the resume point after {@code iterations} iterations. */
    public static String stopFolder(long iterations) {
        return "iter_" + iterations;
    }

    @Override
    public boolean rootOnly() {
        return true;
    }

    @Override
    public int priority() {
        return VERY_LOW;
    }

    @Override
    public void afterIter(RunContext c) {
        trained = true;
    }

    @Override
    public void afterEpoch(RunContext c) {
        if (!c.epochDue(interval)) {
            return;
        }
        int done = c.epoch() + 1;
        Path dir = c.workDir().resolve("epoch_" + done);
        long iterations = (long) done * c.itersPerEpoch();
        save(c, dir, done, iterations, 0);
        LOG.info("saved checkpoint {}", dir);
        makeLatest(c, dir, iterations);
    }

    /**
     * Saves the state after {@code epochIter} batches of {@code epoch} as {@code iter_N} and names it in
     * {@code latest_checkpoint}; when the newest checkpoint already holds that state (an epoch checkpoint just
     * written), it only says so. Returns the folder.
     */
    @Override
    public void save(RunContext c, int epoch, int epochIter) {
        saveForStop(c, epoch, epochIter);
    }

    public Path saveForStop(RunContext c, int epoch, int epochIter) {
        long iterations = (long) epoch * c.itersPerEpoch() + epochIter;
        if (lastSaved != null && lastSavedIter == iterations) {
            LOG.warn("checkpoint {} already holds this state: resume from it", lastSaved);
            return lastSaved;
        }
        Path dir = c.workDir().resolve(stopFolder(iterations));
        long t0 = System.nanoTime();
        save(c, dir, epoch, iterations, epochIter);
        makeLatest(c, dir, iterations);
        LOG.warn("saved checkpoint {} ({} iterations, batch {} of {} in epoch {}) in {} s", dir, iterations, epochIter,
                c.itersPerEpoch(), epoch + 1, String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        return dir;
    }

    /** Points {@code latest_checkpoint} at {@code dir}, then removes what it supersedes. */
    private void makeLatest(RunContext c, Path dir, long iterations) {
        try {
            AtomicFiles.write(c.workDir().resolve(LATEST), dir.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            lastSaved = dir;
            lastSavedIter = iterations;
            prune(c.workDir());
            pruneStopped(c.workDir(), dir, iterations);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update checkpoints in " + c.workDir(), e);
        }
    }

    @Override
    public void afterVal(RunContext c, Map<String, Double> metrics) {
        if (bestMetric.isEmpty() || !trained) {
            return; // an initial evaluation of untrained weights is no candidate
        }
        Double v = metrics.get(bestMetric.get());
        if (v == null && metrics.keySet().stream().allMatch(k -> k.startsWith(KnnEvaluator.PREFIX))) {
            return; // the kNN monitor's publication (KNNEvalHook), not the validation's
        }
        if (v == null) {
            throw new IllegalStateException("eval_config.save_best = \"" + bestMetric.get()
                    + "\" but validation produced only " + metrics.keySet());
        }
        if (v <= best) {
            return;
        }
        best = v;
        Path dir = c.workDir().resolve("best_" + bestMetric.get() + "_epoch_" + (c.epoch() + 1));
        if (Files.exists(dir)) {
            return;
        }
        save(c, dir, c.epoch() + 1, c.iter() + 1, 0);
        try {
            if (bestDir != null) {
                Checkpoints.deleteTree(bestDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the previous best checkpoint " + bestDir, e);
        }
        bestDir = dir;
        LOG.info("new best {} = {}: saved {}", bestMetric.get(), v, dir);
    }

    private void save(RunContext c, Path dir, int epoch, long iterations, int epochIter) {
        CheckpointState state = new CheckpointState(epoch, iterations, services.optimizer().steps(),
                services.experiment().seed(), c.valMetrics(),
                services.trainedBefore() + (System.nanoTime() - clockStart) / 1e9, epochIter, c.itersPerEpoch(),
                services.globalBatch(), services.collective().size());
        try {
            Map<String, Map<String, NDArray>> files = new LinkedHashMap<>();
            for (CheckpointedHook h : services.checkpointedHooks()) {
                Map<String, NDArray> tensors = h.checkpointTensors();
                if (!tensors.isEmpty()) {
                    files.put(h.checkpointFile(), tensors);
                }
            }
            Checkpoints.save(dir, services.parameters(), services.optimizer(),
                    services.lossScaler().map(LossScaler::state).orElse(Map.of()), files,
                    state, services.resolvedConfig(), services.provenance());
        } catch (CheckpointWriteException e) {
            // One line with what failed and what the user still has: the run stops here.
            throw new UncheckedIOException(new IOException(e.getMessage() + "; " + remaining(c.workDir()), e));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint " + dir, e);
        }
    }

    /** The newest complete checkpoint, which a failed save leaves in place: what the user resumes from. */
    public static String remaining(Path workDir) {
        Path latest = workDir.resolve(LATEST);
        try {
            if (Files.isRegularFile(latest)) {
                Path dir = workDir.resolve(Files.readString(latest, StandardCharsets.UTF_8).strip());
                if (Files.isRegularFile(dir.resolve(Checkpoints.STATE))) {
                    return "the newest complete checkpoint, " + dir + ", remains (" + LATEST + " names it; "
                            + "--auto-resume continues from it once there is space)";
                }
            }
        } catch (IOException | java.nio.file.InvalidPathException e) {
            // Said below: no checkpoint the user can count on.
        }
        return "no complete checkpoint of this run remains in " + workDir;
    }

    /** Deletes the oldest epoch checkpoints beyond {@code maxKeep}; best checkpoints are kept. */
    private void prune(Path workDir) throws IOException {
        if (maxKeep < 0) {
            return;
        }
        List<Path> epochs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir, "epoch_*")) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && EPOCH.matcher(p.getFileName().toString()).matches()) {
                    epochs.add(p);
                }
            }
        }
        epochs.sort(Comparator.comparingInt(CheckpointHook::epochOf));
        for (int i = 0; i < epochs.size() - maxKeep; i++) {
            Checkpoints.deleteTree(epochs.get(i));
        }
    }

    /**
     * Deletes the resume points of stopped runs that {@code written} (after {@code iterations} iterations) supersedes:
     * those of no more iterations (an {@code epoch_N} written at the end of an epoch whose last batch a stop came
     * right after holds the same state).
     */
    private static void pruneStopped(Path workDir, Path written, long iterations) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir, "iter_*")) {
            for (Path p : ds) {
                Matcher m = ITER.matcher(p.getFileName().toString());
                if (Files.isDirectory(p) && m.matches() && Long.parseLong(m.group(1)) <= iterations
                        && !p.getFileName().equals(written.getFileName())) {
                    Checkpoints.deleteTree(p);
                }
            }
        }
    }

    private static int epochOf(Path p) {
        Matcher m = EPOCH.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
