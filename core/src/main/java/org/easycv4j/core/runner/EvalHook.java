package org.easycv4j.core.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.runner.ValLoop;

/**
 * Runs the validation loops every {@code interval} epochs (and before training when {@code initial}) and
 * hands the metrics to every hook's {@code afterVal}.
 */
public final class EvalHook implements Hook {
    private final List<ValLoop> loops;
    private final int interval;
    private final boolean initial;

    public EvalHook(List<ValLoop> loops, int interval, boolean initial) {
        this.loops = loops;
        this.interval = interval;
        this.initial = initial;
    }

    @Override
    public int priority() {
        return LOW;
    }

    @Override
    public void beforeRun(RunContext c) {
        // A resumed run's weights are not the untrained ones: their evaluation belongs to the epoch it resumes at.
        if (initial && !c.resumed()) {
            evaluate(c);
        }
    }

    @Override
    public void afterEpoch(RunContext c) {
        if (due(c, interval)) {
            evaluate(c);
        }
    }

    /** Whether an evaluation every {@code interval} epochs falls after the epoch just ended (always after the last). */
    public static boolean due(RunContext c, int interval) {
        return (c.epoch() + 1) % interval == 0 || c.epoch() + 1 == c.maxEpochs();
    }

    private void evaluate(RunContext c) {
        Map<String, Double> all = new LinkedHashMap<>();
        try (RunContext.WeightSwap weights = c.evalWeights()) {
            for (ValLoop loop : loops) {
                all.putAll(loop.run(c.manager()));
            }
        }
        c.publishValMetrics(all);
    }
}
