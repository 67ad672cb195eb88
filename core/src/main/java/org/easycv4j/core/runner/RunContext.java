package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.easycv4j.core.data.Batch;

/**
 * Where a run stands, as hooks read it: the position in the loop, the current learning rate, the last
 * iteration's loss and timings, the latest validation metrics and the work folder. The loops update it; a hook
 * cannot. What a hook may use (model, optimizer, collective, ...) it is given through {@link RunServices}.
 */
public final class RunContext {
    private final Path workDir;
    private final int maxEpochs;
    private final int itersPerEpoch;
    private final int logInterval;
    private final long startNanos = System.nanoTime();
    private int epoch;
    private boolean resumed;
    private int innerIter;
    private long iter;
    private long startIter;
    private double lr;
    private NDArray lastLoss;
    private Batch lastBatch;
    private long dataNanos;
    private long iterNanos;
    private Map<String, Double> valMetrics = Map.of();

    /** Weights put into the model for a validation pass; closing restores the trained ones. */
    public interface WeightSwap extends AutoCloseable {
        @Override
        void close();
    }

    /** @param logInterval iterations between log lines ({@code log_config.interval}) */
    public RunContext(Path workDir, int maxEpochs, int itersPerEpoch, int logInterval) {
        this.workDir = workDir;
        this.maxEpochs = maxEpochs;
        this.itersPerEpoch = itersPerEpoch;
        this.logInterval = logInterval;
    }

    public Path workDir() {
        return workDir;
    }

    public int maxEpochs() {
        return maxEpochs;
    }

    /** Batches per training epoch. */
    public int itersPerEpoch() {
        return itersPerEpoch;
    }

    /** Total batches in the run. */
    public long maxIters() {
        return (long) maxEpochs * itersPerEpoch;
    }

    /** The current epoch, 0-based (logs show it 1-based, as EasyCV does). */
    public int epoch() {
        return epoch;
    }

    /** The batch index inside the epoch, 0-based. */
    public int innerIter() {
        return innerIter;
    }

    /** The global batch index, 0-based. */
    public long iter() {
        return iter;
    }

    /** The learning rate of the optimizer step the current batch belongs to. */
    public double lr() {
        return lr;
    }

    /** The last iteration's loss, still on the device (read it only at log intervals to avoid host syncs). */
    public NDArray lastLoss() {
        return lastLoss;
    }

    /** The last iteration's batch, during {@code afterIter} only (it is closed with the iteration's arrays). */
    public Batch lastBatch() {
        return lastBatch;
    }

    /** Time spent waiting for the last batch. */
    public long dataNanos() {
        return dataNanos;
    }

    /** Time of the last whole iteration, data included. */
    public long iterNanos() {
        return iterNanos;
    }

    /** {@code log_config.interval}: logger hooks without their own interval use it. */
    public int logInterval() {
        return logInterval;
    }

    /** The latest validation metrics (empty before the first validation). */
    public Map<String, Double> valMetrics() {
        return valMetrics;
    }

    /**
     * Whether something done every {@code interval} epochs (a checkpoint, a validation, a figure) falls after the
     * epoch just ended: every {@code interval}-th, and always the run's last.
     */
    public boolean epochDue(int interval) {
        return (epoch + 1) % interval == 0 || epoch + 1 == maxEpochs;
    }

    /** Iterations left in the run after the current one. */
    public long remainingIters() {
        return Math.max(0, maxIters() - iter - 1);
    }

    public long startNanos() {
        return startNanos;
    }

    /**
     * Whether the run continues from a checkpoint: what happened before its start (the evaluations of the untrained
     * weights among them) was recorded by the start that wrote it.
     */
    public boolean resumed() {
        return resumed;
    }

    /** Iterations trained before this start: 0 for a fresh run, the checkpoint's for a resumed one. */
    public long startIter() {
        return startIter;
    }

    void setStart(long startIter) {
        this.startIter = startIter;
        this.resumed = startIter > 0;
    }

    void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    void setIteration(int innerIter, long iter) {
        this.innerIter = innerIter;
        this.iter = iter;
    }

    void setLr(double lr) {
        this.lr = lr;
    }

    void setLastLoss(NDArray loss) {
        this.lastLoss = loss;
    }

    void setLastBatch(Batch batch) {
        this.lastBatch = batch;
    }

    void setTimes(long dataNanos, long iterNanos) {
        this.dataNanos = dataNanos;
        this.iterNanos = iterNanos;
    }

    /** In the evaluators' order: logs list the metrics as they were produced (top1 before top5). */
    void setValMetrics(Map<String, Double> metrics) {
        this.valMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
