package org.easycv4j.core.runner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.optim.ParamScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Epoch-based training: for every batch the lr of its optimizer step set on the optimizer ({@link ParamScheduler}),
 * a forward and backward pass in its own memory scope, an optimizer step every {@code update_interval} batches, and
 * the hooks around each; the runner's {@link Validation} at the epoch ends it is due. Nothing here syncs with the
 * device except the optimizer step's one finite check.
 *
 * <p>A run can stop early ({@link StopSignals}): after every optimizer step, and at every epoch start, the ranks
 * vote on whether any of them was asked to stop, and if all learn so they stop together there, where no gradient is
 * half accumulated, and rank 0 writes a resume checkpoint. The vote is a host value (never a device read): one
 * process reads its flag; several ranks add theirs with a non-blocking all-reduce started at one boundary and read
 * at the next, so that it adds no meeting point of the ranks to a step and a stop comes one step later.
 */
public final class TrainLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainLoop.class);

    private final DataLoader loader;
    private final Hooks hooks;
    private final TrainStep trainStep;
    private final Optimizer optimizer;
    private final ParamScheduler scheduler;
    private final Validation validation;
    private final RunServices services;
    private final int updateInterval;
    private final long seed;
    private final int rank;
    private StopSignals stops;
    private StopCheckpoint stopCheckpoint = (c, epoch, epochIter) -> {};
    private Position stoppedAt;
    /** The ranks' vote started at the previous boundary (several ranks only). */
    private Collective.PendingSum vote;

    /** Where training starts: epoch {@code epoch} (0-based) after its first {@code epochIter} batches. */
    public record Position(int epoch, int epochIter) {
        public static final Position START = new Position(0, 0);
    }

    /** How a run ended. */
    public enum Outcome {
        /** Every epoch was trained. */
        COMPLETED,
        /** A stop was requested and the ranks stopped together; the resume checkpoint is written. */
        STOPPED
    }

    /** Writes the checkpoint a stopped run resumes from (rank 0; the other ranks pass a no-op). */
    @FunctionalInterface
    public interface StopCheckpoint {
        /** Saves the state after {@code epochIter} batches of {@code epoch}. */
        void save(RunContext context, int epoch, int epochIter);
    }

    private TrainLoop(Builder b) {
        this.services = b.services;
        this.optimizer = services.optimizer();
        this.rank = services.collective().rank();
        this.seed = b.seed;
        this.loader = b.loader;
        this.hooks = b.hooks;
        this.updateInterval = b.config.updateInterval();
        this.scheduler = b.scheduler;
        this.validation = b.validation;
        this.trainStep = new TrainStep(services.model(), b.trainable, optimizer, services.lossScaler(),
                Optional.ofNullable(b.sync), updateInterval, b.config.gradClipMaxNorm(), b.config.maxNonFiniteSteps());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The parts of the loop: {@code setServices} (model, optimizer, scaler, collective), {@code setLoader},
     * {@code setHooks}, {@code setTrainable}, {@code setScheduler} and {@code setConfig} are required.
     */
    public static final class Builder {
        private RunServices services;
        private List<NamedParameter> trainable;
        private DataLoader loader;
        private Hooks hooks;
        private ParamScheduler scheduler;
        private Experiment.OptimizerConfig config;
        private Validation validation = Validation.none();
        private ReplicaSync sync;
        private long seed;

        private Builder() {}

        public Builder setServices(RunServices services) {
            this.services = services;
            return this;
        }

        public Builder setTrainable(List<NamedParameter> trainable) {
            this.trainable = trainable;
            return this;
        }

        public Builder setLoader(DataLoader loader) {
            this.loader = loader;
            return this;
        }

        public Builder setHooks(Hooks hooks) {
            this.hooks = hooks;
            return this;
        }

        public Builder setScheduler(ParamScheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder setConfig(Experiment.OptimizerConfig config) {
            this.config = config;
            return this;
        }

        public Builder optValidation(Validation validation) {
            this.validation = validation;
            return this;
        }

        /** The gradient averaging of a data-parallel job (default: one process). */
        public Builder optSync(ReplicaSync sync) {
            this.sync = sync;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public TrainLoop build() {
            for (Object part : new Object[] {services, trainable, loader, hooks, scheduler, config}) {
                if (part == null) {
                    throw new IllegalStateException("a train loop needs services, trainable parameters, a loader, "
                            + "hooks, a scheduler and the optimizer config");
                }
            }
            return new TrainLoop(this);
        }
    }

    /**
     * Lets {@code stops} end the run early; {@code checkpoint} then saves where it stopped. Without this call the
     * loop runs to the end.
     */
    public TrainLoop stoppable(StopSignals stops, StopCheckpoint checkpoint) {
        this.stops = stops;
        this.stopCheckpoint = checkpoint;
        return this;
    }

    /** Runs epochs {@code [startEpoch, context.maxEpochs())}. */
    public Outcome run(RunContext context, int startEpoch) {
        return run(context, new Position(startEpoch, 0));
    }

    /**
     * Runs from {@code start} to the end of the last epoch, or until the ranks agree to stop. A start after the
     * last batch of an epoch ({@code epochIter == itersPerEpoch}) runs only that epoch's end (evaluation, its
     * checkpoint).
     */
    public Outcome run(RunContext context, Position start) {
        Outcome outcome = runFrom(context, start);
        // MPI wants every non-blocking collective completed before the job ends. Not after a failure: the failed
        // rank aborts the whole job instead, and waiting here could wait for a rank that is gone.
        if (vote != null) {
            vote.await();
            vote = null;
        }
        return outcome;
    }

    private Outcome runFrom(RunContext context, Position start) {
        NDManager runManager = services.manager();
        if (validation.dueAtStart(context)) {
            validation.run(context, services, hooks);
        }
        int perEpoch = context.itersPerEpoch();
        long iter = (long) start.epoch() * perEpoch + start.epochIter();
        for (int epoch = start.epoch(); epoch < context.maxEpochs(); epoch++) {
            int first = epoch == start.epoch() ? start.epochIter() : 0;
            context.setEpoch(epoch);
            // Also before the first batch (a signal during start-up) and after the previous epoch's evaluation,
            // which may take long enough for one to arrive.
            if (stopAgreed(context)) {
                return stop(context, start, epoch, first);
            }
            if (first > 0) {
                // Resumed mid-epoch: hooks that run before the next batch (or at the end of an epoch whose batches
                // were all trained before the stop) see the last batch trained, as they would have.
                context.setIteration(first - 1, iter - 1);
            }
            hooks.beforeEpoch(context);
            try (NDManager epochManager = runManager.newSubManager()) {
                Iterator<Batch> batches = loader.epoch(epoch, epochManager, first);
                int inner = first;
                long t0 = System.nanoTime();
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    long tData = System.nanoTime();
                    context.setIteration(inner, iter);
                    // The lr of the optimizer step this batch contributes to, counted in optimizer steps.
                    context.setLr(scheduler.apply(optimizer, scheduler.stepOf(epoch, inner)));
                    // The engine's random stream (masking noise, drop path, ...) restarts from (seed, rank, epoch,
                    // batch) at every iteration: libtorch's generator state cannot be saved, so this is what lets a
                    // run resumed at any batch draw exactly what the uninterrupted run drew. Each rank draws its
                    // own stream for its own samples; rank 0's is the one-process stream.
                    Engine.getInstance().setRandomSeed(iterationSeed(seed + RANK_SEED_STEP * rank, epoch, inner));
                    boolean stepped;
                    try (NDManager step = runManager.newSubManager(); batch) {
                        batch.inputs().attach(step);
                        batch.labels().attach(step);
                        hooks.beforeIter(context);
                        NDArray loss = trainStep.forwardBackward(step, batch);
                        boolean last = inner + 1 == perEpoch;
                        stepped = (inner + 1) % updateInterval == 0 || last;
                        if (stepped) {
                            trainStep.update(step);
                        }
                        context.setLastLoss(loss);
                        context.setLastBatch(batch);
                        long tEnd = System.nanoTime();
                        context.setTimes(tData - t0, tEnd - t0);
                        hooks.afterIter(context);
                        context.setLastLoss(null);
                        context.setLastBatch(null);
                    }
                    inner++;
                    iter++;
                    // Only where no gradient is half accumulated: the checkpoint then holds the whole state.
                    if (stepped && stopAgreed(context)) {
                        return stop(context, start, epoch, inner);
                    }
                    t0 = System.nanoTime();
                }
            }
            // Before the epoch's hooks: the epoch's checkpoint records these metrics, its best one is chosen by them.
            if (validation.dueAfterEpoch(context)) {
                validation.run(context, services, hooks);
            }
            hooks.afterEpoch(context);
        }
        return Outcome.COMPLETED;
    }

    /**
     * True on every rank alike when a stop was requested: in one process its own flag now; with several ranks when
     * any rank's flag was set at the previous boundary (the sum of the vote started there), and a new vote starts.
     */
    private boolean stopAgreed(RunContext context) {
        if (stops == null) {
            return false;
        }
        Collective ranks = services.collective();
        if (ranks.size() == 1) {
            return stops.requested();
        }
        boolean agreed = vote != null && vote.await()[0] > 0;
        vote = agreed ? null : ranks.startSumDoubles(new double[] {stops.requested() ? 1 : 0});
        return agreed;
    }

    /** Where the last {@link #run} stopped early; null when it completed. */
    public Position stoppedAt() {
        return stoppedAt;
    }

    private Outcome stop(RunContext context, Position start, int epoch, int epochIter) {
        stoppedAt = new Position(epoch, epochIter);
        String why = stops.requested() ? stops.reason() : "another rank's stop request";
        if (stoppedAt.equals(start)) {
            LOG.warn("stopping ({}) before training a batch: the run stands where it started, nothing to save", why);
        } else {
            LOG.warn("stopping ({}) after batch {} of {} in epoch {}", why, epochIter, context.itersPerEpoch(),
                    epoch + 1);
            // Every rank: hooks whose state is spread over the ranks bring it to rank 0 for the checkpoint.
            hooks.beforeStop(context);
            stopCheckpoint.save(context, epoch, epochIter);
        }
        // No rank leaves before rank 0 has written the checkpoint: mpirun ends the whole job as soon as one rank
        // exits with a non-zero status.
        services.collective().barrier();
        return Outcome.STOPPED;
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
