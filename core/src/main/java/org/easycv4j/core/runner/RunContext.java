package org.easycv4j.core.runner;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.Optimizer;

/**
 * The narrow view of a run that hooks see: where the loop is, the current learning rate, the last
 * iteration's loss and timings, and the work folder. Loops update it; hooks read it.
 */
public final class RunContext {
    private final Path workDir;
    private final NDManager manager;
    private final TaskModel model;
    private final Optimizer optimizer;
    private final int maxEpochs;
    private final int itersPerEpoch;
    private int epoch;
    private boolean resumed;
    private int innerIter;
    private long iter;
    private double lr;
    private NDArray lastLoss;
    private Batch lastBatch;
    private long dataNanos;
    private final int logInterval;
    private Hooks hooks = new Hooks(List.of());
    private Map<String, Double> valMetrics = Map.of();
    private long iterNanos;
    private final long startNanos = System.nanoTime();
    private Optional<LossScaler> lossScaler = Optional.empty();
    private Supplier<WeightSwap> evalWeights = () -> () -> {};
    private Collective collective = Collective.single();
    private String resolvedConfig = "";
    private long startIter;

    /** Weights put into the model for a validation pass; closing restores the trained ones. */
    public interface WeightSwap extends AutoCloseable {
        @Override
        void close();
    }

    /** @param logInterval iterations between log lines ({@code log_config.interval}) */
    public RunContext(Path workDir, NDManager manager, TaskModel model, Optimizer optimizer, int maxEpochs,
            int itersPerEpoch, int logInterval) {
        this.logInterval = logInterval;
        this.workDir = workDir;
        this.manager = manager;
        this.model = model;
        this.optimizer = optimizer;
        this.maxEpochs = maxEpochs;
        this.itersPerEpoch = itersPerEpoch;
    }

    public Path workDir() {
        return workDir;
    }

    /** The run's manager on the training device: arrays a hook keeps across iterations belong here. */
    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public TaskModel model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The dynamic loss scaler when training with mixed precision ({@code amp = fp16}). */
    public Optional<LossScaler> lossScaler() {
        return lossScaler;
    }

    public void setLossScaler(Optional<LossScaler> scaler) {
        this.lossScaler = scaler;
    }

    /** Makes validation run on other weights (the EMA hook's average) than the trained ones. */
    public void setEvalWeights(Supplier<WeightSwap> swap) {
        this.evalWeights = swap;
    }

    /** Puts the weights validation should see into the model until the result is closed. */
    public WeightSwap evalWeights() {
        return evalWeights.get();
    }

    /** The processes of a data-parallel job (one process: {@link Collective#single()}). */
    public Collective collective() {
        return collective;
    }

    void setCollective(Collective collective) {
        this.collective = collective;
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

    /** The learning rate used by the current iteration. */
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

    void setLastBatch(Batch batch) {
        this.lastBatch = batch;
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

    void setHooks(Hooks hooks) {
        this.hooks = hooks;
    }

    /** Hands validation metrics to every hook's {@code afterVal}; the evaluation hook calls it. */
    public void publishValMetrics(Map<String, Double> metrics) {
        this.valMetrics = Map.copyOf(metrics);
        hooks.afterVal(this, metrics);
    }

    /** Hands a logger's record (a line of {@code metrics.jsonl}) to every hook's {@code afterLog}. */
    public void publishLog(Map<String, Object> record) {
        hooks.afterLog(this, Collections.unmodifiableMap(new LinkedHashMap<>(record)));
    }

    /** The run's resolved configuration as HOCON (what its checkpoints store); empty when not known. */
    public String resolvedConfig() {
        return resolvedConfig;
    }

    void setResolvedConfig(String config) {
        this.resolvedConfig = config;
    }

    /** The latest validation metrics (empty before the first validation). */
    public Map<String, Double> valMetrics() {
        return valMetrics;
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

    void setStartIter(long startIter) {
        this.startIter = startIter;
    }

    void setResumed(boolean resumed) {
        this.resumed = resumed;
    }

    void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    void setIteration(int innerIter, long iter) {
        this.innerIter = innerIter;
        this.iter = iter;
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    void setLastLoss(NDArray loss) {
        this.lastLoss = loss;
    }

    void setTimes(long dataNanos, long iterNanos) {
        this.dataNanos = dataNanos;
        this.iterNanos = iterNanos;
    }
}
