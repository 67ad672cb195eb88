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
 */
public record CheckpointState(int epoch, long iter, long optimizerSteps, long seed,
        Map<String, Double> metrics) {}
