package org.easycv4j.core.runner.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.runner.CheckpointedHook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.runner.RunServices;
import org.easycv4j.core.util.AtomicFiles;
import org.easycv4j.core.util.Durations;
import org.easycv4j.core.util.ProcessMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EasyCV's text logger: every {@code interval} iterations a line with epoch, iteration, lr, mean loss,
 * time, data_time, memory and ETA, to the console and {@code WORK_DIR/train.log}, and the same record as a
 * JSON line in {@code WORK_DIR/metrics.jsonl}; validation metrics likewise. The loss is summed on the
 * device and read once per interval.
 *
 * <p>A run stopped between two log lines keeps the sums of the lines' iterations done so far in its checkpoint
 * ({@link #FILE}, each rank's own), so that the resumed run's next line is the uninterrupted run's.
 */
public final class TextLoggerHook implements CheckpointedHook {
    /**
     * {@code log_config.hooks = [{type = TextLoggerHook}]}.
     *
     * @param interval iterations between lines; 0 (default) takes {@code log_config.interval}
     */
    public record Settings(int interval) {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings(node.integerAtLeast("interval", 0, 0));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TextLoggerHook.class);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .create();
    /** File names inside the work dir. */
    public static final String TEXT_LOG = "train.log";
    public static final String JSON_LOG = "metrics.jsonl";
    /** The file of a stopped run's checkpoint with the partial sums of the next log line. */
    public static final String FILE = "text_logger.safetensors";
    private static final String LOSS_SUMS = "loss_sums";
    private static final String COUNTERS = "counters";

    private final int ownInterval;
    private BufferedWriter text;
    private BufferedWriter json;
    private NDArray lossSum;
    private int count;
    private long timeSum;
    private long dataSum;
    private NDManager manager;
    private RunServices services;
    /** Every rank's loss sum since the last line, gathered when the run stops. */
    private float[] gathered;
    private Map<String, NDArray> restored;

    /** @param interval iterations between lines; 0 takes {@code log_config.interval} */
    public TextLoggerHook(int interval) {
        this.ownInterval = interval;
    }

    @Override
    public int priority() {
        return VERY_LOW;
    }

    @Override
    public void setUp(RunServices services) {
        this.services = services;
    }

    @Override
    public void beforeRun(RunContext c) {
        manager = services.manager();
        lossSum = services.manager().zeros(new Shape(), DataType.FLOAT32);
        if (restored != null) {
            resume(c);
        }
        if (!services.collective().isRoot()) {
            return; // other ranks only add their losses to rank 0's line
        }
        openLogs(c);
    }

    /**
     * Opens the logs once; also from {@link #write}, since hooks that run earlier in {@code beforeRun} may publish
     * metrics first (an initial evaluation).
     */
    private void openLogs(RunContext c) {
        if (text != null) {
            return;
        }
        try {
            Files.createDirectories(c.workDir());
            text = open(c.workDir().resolve(TEXT_LOG));
            json = open(c.workDir().resolve(JSON_LOG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the logs in " + c.workDir(), e);
        }
    }

    @Override
    public void afterIter(RunContext c) {
        NDArray loss = c.lastLoss();
        if (loss != null) {
            lossSum.addi(loss.toType(DataType.FLOAT32, false));
        }
        count++;
        timeSum += c.iterNanos();
        dataSum += c.dataNanos();
        int interval = ownInterval > 0 ? ownInterval : c.logInterval();
        boolean endOfEpoch = c.innerIter() + 1 == c.itersPerEpoch();
        if ((c.innerIter() + 1) % interval != 0 && !endOfEpoch) {
            return;
        }
        // The mean over ranks as well (their batches are of equal size): the loss of the global batch.
        double[] sum = {lossSum.getFloat()};
        services.collective().allReduceSumDoubles(sum);
        double meanLoss = sum[0] / services.collective().size() / count;
        double time = timeSum / 1e9 / count;
        double dataTime = dataSum / 1e9 / count;
        double eta = time * c.remainingIters();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("mode", "train");
        rec.put("epoch", c.epoch() + 1);
        rec.put("iter", c.innerIter() + 1);
        rec.put("global_iter", c.iter() + 1);
        rec.put("lr", c.lr());
        rec.put("loss", meanLoss);
        rec.put("time", time);
        rec.put("data_time", dataTime);
        rec.put("memory", ProcessMemory.rssMiB());
        rec.put("eta", Durations.hms(eta));
        String line = String.format(Locale.ROOT, "Epoch [%d][%d/%d]\tlr: %.4e, eta: %s, time: %.3f, data_time: %.3f, "
                + "memory: %d, loss: %.4f", c.epoch() + 1, c.innerIter() + 1, c.itersPerEpoch(), c.lr(),
                Durations.hms(eta), time, dataTime, ProcessMemory.rssMiB(), meanLoss);
        if (services.lossScaler().isPresent()) {
            // Mixed precision: the dynamic loss scale (one device read per log line).
            double scale = services.lossScaler().get().currentScale();
            rec.put("loss_scale", scale);
            line += String.format(Locale.ROOT, ", loss_scale: %.0f", scale);
        }
        write(c, line, rec);
        lossSum.subi(lossSum);
        count = 0;
        timeSum = 0;
        dataSum = 0;
    }

    @Override
    public void afterVal(RunContext c, Map<String, Double> metrics) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("mode", "val");
        rec.put("epoch", c.epoch() + 1);
        rec.put("global_iter", c.iter() + 1);
        rec.putAll(metrics);
        StringBuilder line = new StringBuilder("Epoch(val) [" + (c.epoch() + 1) + "]\t");
        metrics.forEach((k, v) -> line.append(String.format(Locale.ROOT, "%s: %.4f, ", k, v)));
        write(c, line.substring(0, Math.max(0, line.length() - 2)), rec);
    }

    /** The partial line of the run resumed from: each rank its own sum, or rank 0 all of them on another world size. */
    private void resume(RunContext c) {
        float[] sums = restored.get(LOSS_SUMS).toFloatArray();
        double[] counters = restored.get(COUNTERS).toDoubleArray();
        restored.values().forEach(NDArray::close);
        restored = null;
        float mine = 0;
        if (sums.length == services.collective().size()) {
            mine = sums[services.collective().rank()];
        } else if (services.collective().isRoot()) {
            // Another world size: the line's mean only needs the total, to float rounding.
            for (float v : sums) {
                mine += v * services.collective().size() / (float) sums.length;
            }
        }
        lossSum.addi(services.manager().create(mine));
        count = (int) counters[0];
        timeSum = (long) counters[1];
        dataSum = (long) counters[2];
    }

    @Override
    public void beforeStop(RunContext c) {
        int ranks = services.collective().size();
        double[] all = new double[ranks];
        all[services.collective().rank()] = count == 0 ? 0 : lossSum.getFloat();
        services.collective().allReduceSumDoubles(all);
        gathered = new float[ranks];
        for (int r = 0; r < ranks; r++) {
            gathered[r] = (float) all[r];
        }
    }

    @Override
    public String checkpointFile() {
        return FILE;
    }

    /** Nothing at a log line (every epoch checkpoint); a stopped run's partial sums otherwise. */
    @Override
    public Map<String, NDArray> checkpointTensors() {
        if (count == 0) {
            return Map.of();
        }
        float[] sums = gathered != null ? gathered : new float[] {lossSum.getFloat()};
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put(LOSS_SUMS, manager.create(sums));
        out.put(COUNTERS, manager.create(new double[] {count, timeSum, dataSum}));
        return out;
    }

    @Override
    public void restore(Map<String, NDArray> tensors) {
        if (!tensors.containsKey(LOSS_SUMS) || !tensors.containsKey(COUNTERS)) {
            throw new IllegalStateException("the checkpoint's " + FILE + " lacks " + LOSS_SUMS + " or " + COUNTERS);
        }
        restored = new LinkedHashMap<>(tensors);
    }

    /** A checkpoint written at a log line (every epoch checkpoint) has nothing to restore. */
    @Override
    public void restoreAbsent(Path checkpoint) {}

    @Override
    public void afterRun(RunContext c) {
        try {
            if (text != null) {
                text.close();
            }
            if (json != null) {
                json.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(RunContext c, String line, Map<String, Object> record) {
        if (!services.collective().isRoot()) {
            return;
        }
        LOG.info(line);
        openLogs(c);
        try {
            text.write(line);
            text.newLine();
            text.flush();
            json.write(GSON.toJson(record));
            json.newLine();
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log", e);
        }
        services.publishLog(record);
    }

    private static BufferedWriter open(Path p) throws IOException {
        return AtomicFiles.openAppend(p);
    }
}
