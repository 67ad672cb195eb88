package org.easycv4j.core.eval;

import java.util.Map;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.registry.Kind;

/** Accumulates model outputs over a validation pass and turns them into named metrics. */
public interface Evaluator {
    /** The registry kind of {@code Evaluator}s (tools/list evaluator): what a config's {@code type} names here. */
    Kind<Evaluator> KIND = Kind.of("evaluator", Evaluator.class, "turns model outputs on a validation set into metrics");


    /** Forgets everything accumulated. */
    void reset();

    /** Adds one batch's outputs. Implementations should keep device arrays and sync once in {@link #compute()}. */
    void update(Batch batch, StepOutput output);

    /**
     * What the evaluator accumulated, as numbers that add up over the ranks of a data-parallel job (counts,
     * sums), for {@link #setCounts}; empty when its state cannot be combined that way.
     */
    default java.util.Optional<double[]> counts() {
        return java.util.Optional.empty();
    }

    /** Replaces the accumulated state by {@code counts} (the sum over the ranks of {@link #counts()}). */
    default void setCounts(double[] counts) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot combine counts over ranks");
    }

    /** The metrics so far, e.g. {@code top1 -> 0.734}; names are stable and used by best-checkpoint tracking. */
    Map<String, Double> compute();
}
