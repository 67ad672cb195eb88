package org.easycv4j.core.runner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.NamedParameter;
import org.easycv4j.core.optim.Optimizer;

/**
 * Epoch-based training: for every batch a forward and backward pass in its own memory scope, an optimizer
 * step every {@code update_interval} batches, and the hooks around each. Nothing here syncs with the device
 * except the optimizer step's one finite check.
 */
public final class TrainLoop {
    private final TaskModel model;
    private final DataLoader loader;
    private final Hooks hooks;
    private final OptimStep optimStep;
    private final int updateInterval;
    private final long seed;
    private final Optional<LossScaler> scaler;
    private final Optional<DataParallel> parallel;

    public TrainLoop(TaskModel model, List<NamedParameter> trainable, Optimizer optimizer, DataLoader loader,
            Hooks hooks, Experiment.OptimizerConfig config, long seed) {
        this(model, trainable, optimizer, Optional.empty(), Optional.empty(), loader, hooks, config, seed);
    }

    /**
     * @param scaler the dynamic loss scaler of mixed-precision training
     * @param parallel the replicas of multi-device training (each batch is split over them)
     */
    public TrainLoop(TaskModel model, List<NamedParameter> trainable, Optimizer optimizer,
            Optional<LossScaler> scaler, Optional<DataParallel> parallel, DataLoader loader, Hooks hooks,
            Experiment.OptimizerConfig config, long seed) {
        this.scaler = scaler;
        this.parallel = parallel;
        this.seed = seed;
        this.model = model;
        this.loader = loader;
        this.hooks = hooks;
        this.updateInterval = config.updateInterval();
        this.optimStep = new OptimStep(trainable, optimizer, scaler, config.gradClipMaxNorm(),
                config.maxNonFiniteSteps());
    }

    /** Runs epochs {@code [startEpoch, context.maxEpochs())}. */
    public void run(RunContext context, int startEpoch) {
        NDManager runManager = context.manager();
        long iter = (long) startEpoch * context.itersPerEpoch();
        for (int epoch = startEpoch; epoch < context.maxEpochs(); epoch++) {
            context.setEpoch(epoch);
            // The engine's random stream (masking noise, drop path, ...) restarts from (seed, epoch), so a run
            // resumed at an epoch boundary draws exactly what the uninterrupted run drew.
            Engine.getInstance().setRandomSeed(epochSeed(seed, epoch));
            hooks.beforeEpoch(context);
            try (NDManager epochManager = runManager.newSubManager()) {
                Iterator<Batch> batches = loader.epoch(epoch, epochManager);
                int inner = 0;
                long t0 = System.nanoTime();
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    long tData = System.nanoTime();
                    context.setIteration(inner, iter);
                    try (NDManager step = runManager.newSubManager(); batch) {
                        batch.inputs().attach(step);
                        batch.labels().attach(step);
                        hooks.beforeIter(context);
                        NDArray loss = forwardBackward(step, batch);
                        boolean last = inner + 1 == context.itersPerEpoch();
                        if ((inner + 1) % updateInterval == 0 || last) {
                            optimStep.apply(context.lr(), step);
                            parallel.ifPresent(DataParallel::broadcast);
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

    /** The engine seed of an epoch (-1: model initialization). */
    static int epochSeed(long seed, int epoch) {
        long h = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }

    /** Forward and backward of the batch (split over the replicas when there are several); returns its loss. */
    private NDArray forwardBackward(NDManager step, Batch batch) {
        ParameterStore parameters = new ParameterStore(step, false);
        if (parallel.isPresent()) {
            return parallel.get().run(batch, step, parameters, (part, store, weight) -> backward(step, part, store,
                    weight));
        }
        return backward(step, batch, parameters, 1.0);
    }

    private NDArray backward(NDManager step, Batch batch, ParameterStore parameters, double weight) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            StepOutput out = model.forward(parameters, batch, true);
            NDArray loss = out.loss();
            if (updateInterval > 1 || weight != 1.0) {
                // An NDArray scalar, not div(Number): DJL may free a Java-side scalar before backward reads it.
                loss = loss.div(step.create((float) (updateInterval / weight)).toDevice(loss.getDevice(), false));
            }
            collector.backward(scaler.isPresent() ? scaler.get().scaleLoss(loss) : loss);
            return out.loss();
        }
    }
}
