package org.easycv4j.core.checkpoint;

import java.util.Map;

/**
 * Where training stood when a checkpoint was written.
 *
 * @param epoch completed epochs: training resumes in this 0-based epoch
 * @param iter completed batch iterations
 * @param optimizerSteps optimizer steps taken (AdamW's bias correction depends on it)
 * @param seed the run's seed (every epoch's random streams derive from it and the epoch)
 * @param metrics the latest validation metrics, possibly empty
 * @param trainSeconds wall seconds the run had spent when this checkpoint was written, earlier runs it resumed
 *     from included (what an interrupted run cost in all; 0 in checkpoints written before it was recorded)
 * @param epochIter batches of epoch {@code epoch} already trained: 0 at an epoch boundary, more in the
 *     checkpoint of a run stopped mid-epoch (which resumes at that batch of the same epoch order)
 * @param epochBatches batches per epoch of the run that wrote it (0 in checkpoints written before it was recorded)
 * @param globalBatch images per iteration over all ranks, {@code imgs_per_gpu x ranks} (0: not recorded)
 * @param worldSize the number of ranks that wrote it (0: not recorded)
 */
public record CheckpointState(int epoch, long iter, long optimizerSteps, long seed,
        Map<String, Double> metrics, double trainSeconds, int epochIter, int epochBatches, int globalBatch,
        int worldSize) {

    /** A state without a recorded wall time. */
    public CheckpointState(int epoch, long iter, long optimizerSteps, long seed, Map<String, Double> metrics) {
        this(epoch, iter, optimizerSteps, seed, metrics, 0);
    }

    /** An epoch-boundary state without the batch geometry. */
    public CheckpointState(int epoch, long iter, long optimizerSteps, long seed, Map<String, Double> metrics,
            double trainSeconds) {
        this(epoch, iter, optimizerSteps, seed, metrics, trainSeconds, 0, 0, 0, 0);
    }

    /** True for the checkpoint of a run stopped inside an epoch. */
    public boolean midEpoch() {
        return epochIter > 0;
    }

    /** Where it stands, as the logs say it: {@code epoch 3} or {@code epoch 3, batch 17 of 40}. */
    public String position() {
        return midEpoch() ? "epoch " + (epoch + 1) + ", batch " + epochIter + " of " + epochBatches
                : "epoch " + (epoch + 1);
    }
}
