package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.Optimizer;

/**
 * The narrow view of a run that hooks see: where the loop is, the current learning rate, the last
 * iteration's loss and timings, and the work folder. Loops update it; hooks read it.
 */
public final class RunContext {
    private final Path workDir;
    private final TaskModel model;
    private final Optimizer optimizer;
    private final int maxEpochs;
    private final int itersPerEpoch;
    private int epoch;
    private int innerIter;
    private long iter;
    private double lr;
    private NDArray lastLoss;
    private long dataNanos;
    private long iterNanos;
    private final long startNanos = System.nanoTime();

    public RunContext(Path workDir, TaskModel model, Optimizer optimizer, int maxEpochs, int itersPerEpoch) {
        this.workDir = workDir;
        this.model = model;
        this.optimizer = optimizer;
        this.maxEpochs = maxEpochs;
        this.itersPerEpoch = itersPerEpoch;
    }

    public Path workDir() {
        return workDir;
    }

    public TaskModel model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
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

    /** Time spent waiting for the last batch. */
    public long dataNanos() {
        return dataNanos;
    }

    /** Time of the last whole iteration, data included. */
    public long iterNanos() {
        return iterNanos;
    }

    public long startNanos() {
        return startNanos;
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
