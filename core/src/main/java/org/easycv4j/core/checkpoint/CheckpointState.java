package org.easycv4j.core.checkpoint;

import java.util.Map;

/**
 * Where training stood when a checkpoint was written.
 *
 * @param epoch completed epochs (training resumes at this 0-based epoch)
 * @param iter completed batch iterations
 * @param optimizerSteps optimizer steps taken (AdamW's bias correction depends on it)
 * @param seed the run's seed (every epoch's random streams derive from it and the epoch)
 * @param metrics the latest validation metrics, possibly empty
 * @param trainSeconds wall seconds the run had spent when this checkpoint was written, earlier runs it resumed
 *     from included (what an interrupted run cost in all; 0 in checkpoints written before it was recorded)
 */
public record CheckpointState(int epoch, long iter, long optimizerSteps, long seed,
        Map<String, Double> metrics, double trainSeconds) {

    /** A state without a recorded wall time. */
    public CheckpointState(int epoch, long iter, long optimizerSteps, long seed, Map<String, Double> metrics) {
        this(epoch, iter, optimizerSteps, seed, metrics, 0);
    }
}
