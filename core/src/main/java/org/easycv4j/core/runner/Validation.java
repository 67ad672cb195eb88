package org.easycv4j.core.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's validation of {@code eval_pipelines} during training: every {@code interval} epochs, after the
 * last one, and before the first when {@code initial} (not for a resumed run: its untrained weights were evaluated
 * by the start that wrote its checkpoint). The train loop runs it at the end of an epoch, before the epoch's hooks,
 * so that the checkpoint of that epoch records its metrics.
 */
public final class Validation {
    private final List<ValLoop> loops;
    private final int interval;
    private final boolean initial;

    public Validation(List<ValLoop> loops, int interval, boolean initial) {
        if (interval < 1) {
            throw new IllegalArgumentException("eval_config.interval must be >= 1, got " + interval);
        }
        this.loops = List.copyOf(loops);
        this.interval = interval;
        this.initial = initial;
    }

    /** No validation (a config without eval_pipelines). */
    public static Validation none() {
        return new Validation(List.of(), 1, false);
    }

    public boolean isEmpty() {
        return loops.isEmpty();
    }

    /** Whether it runs before the first batch of the run that starts at {@code context}. */
    boolean dueAtStart(RunContext context) {
        return !loops.isEmpty() && initial && !context.resumed();
    }

    /** Whether an evaluation every {@code interval} epochs falls after the epoch just ended (always after the last). */
    public static boolean due(RunContext c, int interval) {
        return (c.epoch() + 1) % interval == 0 || c.epoch() + 1 == c.maxEpochs();
    }

    boolean dueAfterEpoch(RunContext context) {
        return !loops.isEmpty() && due(context, interval);
    }

    /**
     * Runs every loop on the weights {@code services} says validation sees, records the metrics as the run's latest
     * and hands them to every hook's {@code afterVal}.
     */
    void run(RunContext context, RunServices services, Hooks hooks) {
        Map<String, Double> all = new LinkedHashMap<>();
        try (RunContext.WeightSwap weights = services.evalWeights()) {
            for (ValLoop loop : loops) {
                all.putAll(loop.run(services.manager()));
            }
        }
        context.setValMetrics(all);
        hooks.afterVal(context, context.valMetrics());
    }
}
