package org.easycv4j.core.runner;

import java.util.Map;
import org.easycv4j.core.registry.Kind;

/**
 * Code that runs at fixed points of a run (registry kind "hook"). Every method does nothing by default, so
 * a hook overrides only what it needs. Hooks run in ascending {@link #priority()}.
 */
public interface Hook {
    /** The registry kind of {@code Hook}s (tools/list hook): what a config's {@code type} names here. */
    Kind<Hook> KIND = Kind.of("hook", Hook.class, "runs code at points of the training loop (logging, checkpoints, evaluation, ...)");

    int VERY_HIGH = 10;
    int HIGH = 30;
    int NORMAL = 50;
    int LOW = 70;
    int VERY_LOW = 90;

    /**
     * True for hooks that only write files or draw output (logs, checkpoints, plots, progress): in a
     * data-parallel job they run on rank 0 alone. Hooks that change the training state (the lr, an EMA of the
     * weights) or take part in collectives run on every rank and keep the default.
     */
    default boolean rootOnly() {
        return false;
    }

    /** Lower runs first. */
    default int priority() {
        return NORMAL;
    }

    /**
     * Gives the hook what it may use during the run (model, optimizer, manager, collective, records), once,
     * before any {@code beforeRun}; a hook keeps what it needs.
     */
    default void setUp(RunServices services) {}

    default void beforeRun(RunContext context) {}

    default void afterRun(RunContext context) {}

    default void beforeEpoch(RunContext context) {}

    default void afterEpoch(RunContext context) {}

    default void beforeIter(RunContext context) {}

    /** After the forward and backward pass (and the optimizer step, when one was due). */
    default void afterIter(RunContext context) {}

    /** After a validation pass with its metrics. */
    default void afterVal(RunContext context, Map<String, Double> metrics) {}

    /**
     * After a logger wrote a record (one line of {@code metrics.jsonl}: {@code mode} "train" or "val", the
     * position, the values), on rank 0 only: other loggers write the same values from it instead of computing them
     * again.
     */
    default void afterLog(RunContext context, Map<String, Object> record) {}

    /**
     * When a run stopped by a signal is about to write its resume checkpoint, on every rank at the same point:
     * a {@link CheckpointedHook} whose state is spread over the ranks brings it to rank 0 here (collectives are
     * allowed), since only rank 0's {@code checkpointTensors} are saved. {@code afterRun} follows as usual.
     */
    default void beforeStop(RunContext context) {}
}
