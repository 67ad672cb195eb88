package org.easycv4j.core.runner;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.ndarray.NDList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.eval.FeatureEvaluator;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mmengine's {@code ValLoop} (type {@code ValLoop}, the default {@code val_loop}): one pass over a validation set
 * without gradients, the mean loss (when the model computes one) and each evaluator's metrics.
 * {@link FeatureEvaluator}s (the kNN probe) get the model's frozen features of each batch instead of its outputs,
 * and before the pass the features of their bank, extracted with the same weights; when every evaluator is one,
 * the model's forward pass (and the loss) is skipped.
 *
 * <p>In a data-parallel job each rank passes over its share of the set (uneven shards, every sample exactly once
 * over all ranks); the loss sums and the evaluators' counts are added over the ranks before the metrics are
 * computed, so they equal a one-process evaluation. A feature evaluator's bank is extracted batched as the parts'
 * {@code bankLoading} says, each rank its share, and gathered, so every rank scores its queries against the whole
 * bank.
 */
public final class DefaultValLoop implements ValLoop {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultValLoop.class);

    @Override
    public Map<String, Double> run(Parts parts) {
        TaskModel model = parts.model();
        List<Evaluator> evaluators = parts.evaluators();
        Collective collective = parts.collective();
        NDManager manager = parts.manager();
        evaluators.forEach(Evaluator::reset);
        double lossSum = 0;
        boolean hasLoss = false;
        long samples = 0;
        boolean forward = evaluators.isEmpty() || !evaluators.stream().allMatch(FeatureEvaluator.class::isInstance);
        try (NDManager epochManager = manager.newSubManager()) {
            setBanks(parts, epochManager);
            Iterator<Batch> batches = parts.loader().epoch(0, epochManager);
            while (batches.hasNext()) {
                try (NDManager step = manager.newSubManager(); Batch batch = batches.next()) {
                    batch.inputs().attach(step);
                    batch.labels().attach(step);
                    ParameterStore store = new ParameterStore(step, false);
                    StepOutput out = null;
                    if (forward) {
                        try {
                            out = model.forward(store, batch, false);
                        } catch (EngineException e) {
                            throw InputMismatch.explain(model, batch, e);
                        }
                        NDArray loss = out.loss();
                        if (loss != null) {
                            lossSum += loss.getFloat() * batch.size();
                            hasLoss = true;
                        }
                    }
                    samples += batch.size();
                    Map<FeaturePooling, StepOutput> features = new EnumMap<>(FeaturePooling.class);
                    for (Evaluator e : evaluators) {
                        if (e instanceof FeatureEvaluator f) {
                            e.update(batch, features.computeIfAbsent(f.pooling(), p -> new StepOutput(null,
                                    new NDList(model.features(store, batch.inputs().get(0), p)))));
                        } else {
                            e.update(batch, out);
                        }
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

    /** Extracts and hands over the bank of every feature evaluator (arrays in {@code manager}). */
    private static void setBanks(Parts parts, NDManager manager) {
        TaskModel model = parts.model();
        Collective collective = parts.collective();
        for (Evaluator e : parts.evaluators()) {
            if (e instanceof FeatureEvaluator f) {
                long start = System.nanoTime();
                FeatureBank.Extracted bank = FeatureBank.extract(model, f.bank(), parts.bankLoading(), f.pooling(),
                        manager, collective);
                f.setBank(bank.features(), bank.labels());
                if (collective.isRoot()) {
                    LOG.info("{}: bank of {} features ({} wide) extracted in {}", e.getClass().getSimpleName(),
                            bank.features().getShape().get(0), bank.features().getShape().get(1),
                            String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
                }
            }
        }
    }
}
