package org.easycv4j.core.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's validation of {@code eval_pipelines} during training: every {@code interval} epochs, after the
 * last one, and before the first when {@code initial} (not for a resumed run: its untrained weights were evaluated
 * by the start that wrote its checkpoint). The train loop runs it at the end of an epoch, before the epoch's hooks,
 * so that the checkpoint of that epoch records its metrics. Each entry is a pass of the configured {@code val_loop}
 * over that entry's parts.
 */
public final class Validation {
    private final ValLoop loop;
    private final List<ValLoop.Parts> sets;
    private final int interval;
    private final boolean initial;

    /** @param sets the parts of each {@code eval_pipelines} entry, evaluated in this order by {@code loop} */
    public Validation(ValLoop loop, List<ValLoop.Parts> sets, int interval, boolean initial) {
        if (interval < 1) {
            throw new IllegalArgumentException("eval_config.interval must be >= 1, got " + interval);
        }
        this.loop = loop;
        this.sets = List.copyOf(sets);
        this.interval = interval;
        this.initial = initial;
    }

    /** No validation (a config without eval_pipelines). */
    public static Validation none() {
        return new Validation(new DefaultValLoop(), List.of(), 1, false);
    }

    public boolean isEmpty() {
        return sets.isEmpty();
    }

    /** Whether it runs before the first batch of the run that starts at {@code context}. */
    boolean dueAtStart(RunContext context) {
        return !sets.isEmpty() && initial && !context.resumed();
    }

    boolean dueAfterEpoch(RunContext context) {
        return !sets.isEmpty() && context.epochDue(interval);
    }

    /**
     * Runs the loop over every set on the weights {@code services} says validation sees, records the metrics as the
     * run's latest and hands them to every hook's {@code afterVal} ({@link RunServices#publishValMetrics}).
     */
    void run(RunServices services) {
        Map<String, Double> all = new LinkedHashMap<>();
        try (RunContext.WeightSwap weights = services.evalWeights()) {
            for (ValLoop.Parts set : sets) {
                all.putAll(loop.run(set));
            }
        }
        services.publishValMetrics(all);
    }
}
