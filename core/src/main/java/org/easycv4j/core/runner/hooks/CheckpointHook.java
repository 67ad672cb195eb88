package org.easycv4j.core.runner.hooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.eval.KnnEvaluator;
import org.easycv4j.core.model.NamedParameter;
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
 */
public final class CheckpointHook implements Hook {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointHook.class);
    private static final Pattern EPOCH = Pattern.compile("epoch_(\\d+)");
    /** The file naming the newest checkpoint folder. */
    public static final String LATEST = "latest_checkpoint";

    private final int interval;
    private final int maxKeep;
    private final Optional<String> bestMetric;
    private final List<NamedParameter> params;
    private final String resolvedConfig;
    private final String provenance;
    private final long seed;
    private final List<CheckpointedHook> stateful;
    private double best = Double.NEGATIVE_INFINITY;
    private Path bestDir;
    private boolean trained;
    private final long clockStart = System.nanoTime();
    private double secondsBefore;

    /**
     * @param bestMetric the validation metric to maximize (e.g. {@code top1}); empty: no best tracking
     */
    public CheckpointHook(int interval, int maxKeep, Optional<String> bestMetric, List<NamedParameter> params,
            String resolvedConfig, String provenance, long seed) {
        this(interval, maxKeep, bestMetric, params, resolvedConfig, provenance, seed, List.of());
    }

    /** @param stateful hooks whose state each checkpoint holds in a file of its own (the EMA weights) */
    public CheckpointHook(int interval, int maxKeep, Optional<String> bestMetric, List<NamedParameter> params,
            String resolvedConfig, String provenance, long seed, List<CheckpointedHook> stateful) {
        this.stateful = List.copyOf(stateful);
        this.interval = interval;
        this.maxKeep = maxKeep;
        this.bestMetric = bestMetric;
        this.params = params;
        this.resolvedConfig = resolvedConfig;
        this.provenance = provenance;
        this.seed = seed;
    }

    /** Wall seconds of the runs this one resumed from: each checkpoint records them plus this run's own. */
    public CheckpointHook trainedBefore(double seconds) {
        this.secondsBefore = seconds;
        return this;
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
        int done = c.epoch() + 1;
        if (done % interval != 0 && done != c.maxEpochs()) {
            return;
        }
        Path dir = c.workDir().resolve("epoch_" + done);
        save(c, dir);
        LOG.info("saved checkpoint {}", dir);
        try {
            AtomicFiles.write(c.workDir().resolve(LATEST), dir.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            prune(c.workDir());
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
        save(c, dir);
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

    private void save(RunContext c, Path dir) {
        CheckpointState state = new CheckpointState(c.epoch() + 1, c.iter() + 1, c.optimizer().steps(), seed,
                c.valMetrics(), secondsBefore + (System.nanoTime() - clockStart) / 1e9);
        try {
            Map<String, Map<String, ai.djl.ndarray.NDArray>> files = new java.util.LinkedHashMap<>();
            stateful.forEach(h -> files.put(h.checkpointFile(), h.checkpointTensors()));
            Checkpoints.save(dir, params, c.optimizer(),
                    c.lossScaler().map(LossScaler::state).orElse(Map.of()), files,
                    state, resolvedConfig, provenance);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint " + dir, e);
        }
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

    private static int epochOf(Path p) {
        Matcher m = EPOCH.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
