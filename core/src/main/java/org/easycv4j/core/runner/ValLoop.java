package org.easycv4j.core.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;

/**
 * One pass over a validation set without gradients: the mean loss (when the model computes one) and each
 * evaluator's metrics.
 */
public final class ValLoop {
    private final TaskModel model;
    private final DataLoader loader;
    private final List<Evaluator> evaluators;
    private final Collective collective;

    public ValLoop(TaskModel model, DataLoader loader, List<Evaluator> evaluators) {
        this(model, loader, evaluators, Collective.single());
    }

    /**
     * A pass over this rank's share of the set (uneven shards, every sample exactly once over all ranks); the
     * loss sums and the evaluators' counts are added over the ranks before the metrics are computed, so they
     * equal a one-process evaluation.
     */
    public ValLoop(TaskModel model, DataLoader loader, List<Evaluator> evaluators, Collective collective) {
        this.model = model;
        this.loader = loader;
        this.evaluators = evaluators;
        this.collective = collective;
        if (collective.size() > 1) {
            for (Evaluator e : evaluators) {
                if (e.counts().isEmpty()) {
                    throw new IllegalArgumentException(e.getClass().getSimpleName() + " cannot add its results "
                            + "over the ranks of a data-parallel job; evaluate with one process (tools/eval)");
                }
            }
        }
    }

    /** Runs the pass; metric names are the evaluators' plus {@code loss}. */
    public Map<String, Double> run(NDManager manager) {
        evaluators.forEach(Evaluator::reset);
        double lossSum = 0;
        boolean hasLoss = false;
        long samples = 0;
        try (NDManager epochManager = manager.newSubManager()) {
            Iterator<Batch> batches = loader.epoch(0, epochManager);
            while (batches.hasNext()) {
                try (NDManager step = manager.newSubManager(); Batch batch = batches.next()) {
                    batch.inputs().attach(step);
                    batch.labels().attach(step);
                    StepOutput out = model.forward(new ParameterStore(step, false), batch, false);
                    NDArray loss = out.loss();
                    if (loss != null) {
                        lossSum += loss.getFloat() * batch.size();
                        hasLoss = true;
                    }
                    samples += batch.size();
                    for (Evaluator e : evaluators) {
                        e.update(batch, out);
                    }
                }
            }
        }
        if (collective.size() > 1) {
            double[] totals = {lossSum, samples, hasLoss ? 1 : 0};
            collective.allReduceSumDoubles(totals);
            lossSum = totals[0];
            samples = (long) totals[1];
            hasLoss = totals[2] > 0;
            for (Evaluator e : evaluators) {
                double[] counts = e.counts().orElseThrow();
                collective.allReduceSumDoubles(counts);
                e.setCounts(counts);
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (samples > 0 && hasLoss) {
            metrics.put("loss", lossSum / samples);
        }
        for (Evaluator e : evaluators) {
            metrics.putAll(e.compute());
        }
        return metrics;
    }
}
