package org.easycv4j.core.runner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.Optimizer;

/**
 * Epoch-based training: for every batch a forward and backward pass in its own memory scope, an optimizer
 * step every {@code update_interval} batches, and the hooks around each. Nothing here syncs with the device
 * except the optimizer step's one finite check.
 */
public final class TrainLoop {
    private final DataLoader loader;
    private final Hooks hooks;
    private final TrainStep trainStep;
    private final int updateInterval;
    private final long seed;
    private final int rank;

    public TrainLoop(TaskModel model, List<NamedParameter> trainable, Optimizer optimizer, DataLoader loader,
            Hooks hooks, Experiment.OptimizerConfig config, long seed) {
        this(model, trainable, optimizer, Optional.empty(), null, loader, hooks, config, seed);
    }

    /**
     * @param scaler the dynamic loss scaler of mixed-precision training
     * @param sync the gradient averaging of a data-parallel job (null: one process)
     */
    public TrainLoop(TaskModel model, List<NamedParameter> trainable, Optimizer optimizer,
            Optional<LossScaler> scaler, ReplicaSync sync, DataLoader loader, Hooks hooks,
            Experiment.OptimizerConfig config, long seed) {
        this.rank = sync == null ? 0 : sync.rank();
        this.seed = seed;
        this.loader = loader;
        this.hooks = hooks;
        this.updateInterval = config.updateInterval();
        this.trainStep = new TrainStep(model, trainable, optimizer, scaler, Optional.ofNullable(sync),
                updateInterval, config.gradClipMaxNorm(), config.maxNonFiniteSteps());
    }

    /** Runs epochs {@code [startEpoch, context.maxEpochs())}. */
    public void run(RunContext context, int startEpoch) {
        NDManager runManager = context.manager();
        long iter = (long) startEpoch * context.itersPerEpoch();
        for (int epoch = startEpoch; epoch < context.maxEpochs(); epoch++) {
            context.setEpoch(epoch);
            hooks.beforeEpoch(context);
            try (NDManager epochManager = runManager.newSubManager()) {
                Iterator<Batch> batches = loader.epoch(epoch, epochManager);
                int inner = 0;
                long t0 = System.nanoTime();
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    long tData = System.nanoTime();
                    context.setIteration(inner, iter);
                    // The engine's random stream (masking noise, drop path, ...) restarts from (seed, rank, epoch,
                    // batch) at every iteration: libtorch's generator state cannot be saved, so this is what lets a
                    // run resumed at any batch draw exactly what the uninterrupted run drew. Each rank draws its
                    // own stream for its own samples; rank 0's is the one-process stream.
                    Engine.getInstance().setRandomSeed(iterationSeed(seed + RANK_SEED_STEP * rank, epoch, inner));
                    try (NDManager step = runManager.newSubManager(); batch) {
                        batch.inputs().attach(step);
                        batch.labels().attach(step);
                        hooks.beforeIter(context);
                        NDArray loss = trainStep.forwardBackward(step, batch);
                        boolean last = inner + 1 == context.itersPerEpoch();
                        if ((inner + 1) % updateInterval == 0 || last) {
                            trainStep.update(context.lr(), step);
                        }
                        context.setLastLoss(loss);
                        long tEnd = System.nanoTime();
                        context.setTimes(tData - t0, tEnd - t0);
                        hooks.afterIter(context);
                        context.setLastLoss(null);
                    }
                    inner++;
                    iter++;
                    t0 = System.nanoTime();
                }
            }
            hooks.afterEpoch(context);
        }
    }

    /** Separates the ranks' random streams (an odd 64-bit constant). */
    private static final long RANK_SEED_STEP = 0x632BE59BD9B4E019L;

    /** The engine seed of an epoch (-1: model initialization). */
    static int epochSeed(long seed, int epoch) {
        long h = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }

    /** The engine seed of batch {@code batch} of {@code epoch}: SplitMix64's finalizer over the three. */
    static int iterationSeed(long seed, int epoch, int batch) {
        long h = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xC2B2AE3D27D4EB4FL + (batch + 1) * 0x165667B19E3779F9L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }
}
