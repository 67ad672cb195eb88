package org.easycv4j.core.runner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.optim.ParamScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Epoch-based training ({@code train_loop.type = EpochBasedTrainLoop}, mmengine's name): for every batch the lr of its optimizer step set on the optimizer ({@link ParamScheduler}),
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
public final class EpochBasedTrainLoop implements TrainLoop {
    private static final Logger LOG = LoggerFactory.getLogger(EpochBasedTrainLoop.class);

    /** The parts of the current run, and the step built from them. */
    private Parts parts;
    private TrainStep trainStep;
    private Position stoppedAt;
    /** The ranks' vote started at the previous boundary (several ranks only). */
    private Collective.PendingSum vote;

    /**
     * Runs from {@code start} to the end of the last epoch, or until the ranks agree to stop. A start after the
     * last batch of an epoch ({@code epochIter == itersPerEpoch}) runs only that epoch's end (evaluation, its
     * checkpoint).
     */
    @Override
    public Outcome run(Parts parts, RunContext context, Position start) {
        this.parts = parts;
        RunServices services = parts.services();
        trainStep = new TrainStep(services.model(), parts.trainable(), services.optimizer(), services.lossScaler(),
                parts.sync(), parts.config().updateInterval(), parts.config().gradClipMaxNorm(),
                parts.config().maxNonFiniteSteps());
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
        RunServices services = parts.services();
        Hooks hooks = parts.hooks();
        Validation validation = parts.validation();
        ParamScheduler scheduler = parts.scheduler();
        int updateInterval = parts.config().updateInterval();
        long rankSeed = parts.seed() + RunSeeds.RANK_STEP * services.collective().rank();
        NDManager runManager = services.manager();
        if (validation.dueAtStart(context)) {
            validation.run(services);
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
                Iterator<Batch> batches = parts.loader().epoch(epoch, epochManager, first);
                int inner = first;
                long t0 = System.nanoTime();
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    long tData = System.nanoTime();
                    context.setIteration(inner, iter);
                    // The lr of the optimizer step this batch contributes to, counted in optimizer steps.
                    context.setLr(scheduler.apply(services.optimizer(), scheduler.stepOf(epoch, inner)));
                    // The engine's random stream (masking noise, drop path, ...) restarts from (seed, rank, epoch,
                    // batch) at every iteration: libtorch's generator state cannot be saved, so this is what lets a
                    // run resumed at any batch draw exactly what the uninterrupted run drew. Each rank draws its
                    // own stream for its own samples; rank 0's is the one-process stream.
                    Engine.getInstance().setRandomSeed(RunSeeds.iteration(rankSeed, epoch, inner));
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
                validation.run(services);
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
        if (parts.stops().isEmpty()) {
            return false;
        }
        StopSignals stops = parts.stops().get();
        Collective ranks = parts.services().collective();
        if (ranks.size() == 1) {
            return stops.requested();
        }
        boolean agreed = vote != null && vote.await()[0] > 0;
        vote = agreed ? null : ranks.startSumDoubles(new double[] {stops.requested() ? 1 : 0});
        return agreed;
    }

    @Override
    public Position stoppedAt() {
        return stoppedAt;
    }

    private Outcome stop(RunContext context, Position start, int epoch, int epochIter) {
        stoppedAt = new Position(epoch, epochIter);
        StopSignals stops = parts.stops().orElseThrow();
        String why = stops.requested() ? stops.reason() : "another rank's stop request";
        if (stoppedAt.equals(start)) {
            LOG.warn("stopping ({}) before training a batch: the run stands where it started, nothing to save", why);
        } else {
            LOG.warn("stopping ({}) after batch {} of {} in epoch {}", why, epochIter, context.itersPerEpoch(),
                    epoch + 1);
            // Every rank: hooks whose state is spread over the ranks bring it to rank 0 for the checkpoint.
            parts.hooks().beforeStop(context);
            parts.stopCheckpoint().save(context, epoch, epochIter);
        }
        // No rank leaves before rank 0 has written the checkpoint: mpirun ends the whole job as soon as one rank
        // exits with a non-zero status.
        parts.services().collective().barrier();
        return Outcome.STOPPED;
    }
}
