package org.easycv4j.core.runner.hooks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.eval.KnnEvaluator;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.RunServices;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.runner.ValLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kNN monitor of self-supervised training (DINO's and solo-learn's): every {@code interval} epochs (and after
 * the last), the frozen features of a labelled bank set and of a query set, and the weighted kNN accuracy of the
 * queries ({@link KnnEvaluator}), published as validation metrics ({@code knn_top1}, {@code knn_top5}), so they
 * reach {@code metrics.jsonl} and the accuracy plot without a fine-tune. It scores the weights validation sees
 * (the EMA's with {@code EMAHook evaluate = true}), with the run's {@code val_loop}, as validation does.
 *
 * <p>In a data-parallel job every rank runs it: each extracts the features of its share of both sets, the bank is
 * gathered so that every rank holds all of it, each rank scores its queries, and the counts are added over the
 * ranks; every rank ends with the same metrics and takes part in the same collectives, so no rank waits alone.
 */
public final class KnnEvalHook implements Hook {
    /**
     * {@code custom_hooks = [{type = KNNEvalHook, bank {type = ClsDataset, ...}, query {type = ClsDataset, ...},
     * interval = 1, k = 20, temperature = 0.07, topk = [1, 5], pooling = default}]}.
     *
     * @param vote {@code k}, {@code temperature}, {@code topk}, {@code pooling} (as {@code KNNEvaluator})
     * @param bank the labelled reference images (e.g. the first few thousand training images)
     * @param query the labelled images scored (e.g. a validation split or the test set)
     * @param interval epochs between runs (it also runs after the last epoch)
     * @param initial also before training
     * @param imgsPerGpu images per feature-extraction batch and rank
     * @param workersPerGpu decode threads of its loaders
     */
    public record Settings(KnnEvaluator.Vote vote, Spec<Dataset> bank, Spec<Dataset> query, int interval,
            boolean initial, int imgsPerGpu, int workersPerGpu) {
        public static Settings fromConfig(ConfigNode node, Components components) {
            KnnEvaluator.Vote vote = KnnEvaluator.Vote.fromConfig(node);
            Spec<Dataset> bank = KnnEvaluator.dataset(components, node, "bank").orElse(null);
            Spec<Dataset> query = KnnEvaluator.dataset(components, node, "query").orElse(null);
            int interval = node.integerAtLeast("interval", 1, 1);
            boolean initial = node.bool("initial", false);
            int imgs = node.integerAtLeast("imgs_per_gpu", 128, 1);
            int workers = node.integerAtLeast("workers_per_gpu", 2, 0);
            return new Settings(vote, bank, query, interval, initial, imgs, workers);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(KnnEvalHook.class);
    private final KnnEvaluator evaluator;
    private final Dataset queries;
    private final int interval;
    private final boolean initial;
    private final int batchSize;
    private final int workers;
    private DataLoader loader;
    private ValLoop.Parts parts;
    private RunServices services;

    /**
     * @param evaluator the vote, with its bank set
     * @param queries the labelled images scored against the bank
     * @param interval epochs between runs
     * @param initial also before training (the untrained weights' accuracy)
     */
    public KnnEvalHook(KnnEvaluator evaluator, Dataset queries, int interval, boolean initial, int batchSize,
            int workers) {
        this.evaluator = evaluator;
        this.queries = queries;
        this.interval = interval;
        this.initial = initial;
        this.batchSize = batchSize;
        this.workers = workers;
    }

    /** Builds the bank and query sets of {@code s}. */
    public static KnnEvalHook create(Settings s, BuildContext context) {
        KnnEvaluator evaluator = new KnnEvaluator(s.vote(), s.bank().create(context));
        return new KnnEvalHook(evaluator, s.query().create(context), s.interval(), s.initial(), s.imgsPerGpu(),
                s.workersPerGpu());
    }

    /** Before the checkpoint hook (VERY_LOW), whose epoch checkpoint records these metrics. */
    @Override
    public int priority() {
        return LOW;
    }

    @Override
    public void setUp(RunServices services) {
        this.services = services;
    }

    @Override
    public void beforeRun(RunContext c) {
        Collective ranks = services.collective();
        LoaderSettings loading = new LoaderSettings(batchSize, workers, false, false, 0, ranks.rank(), ranks.size(),
                false);
        loader = queries.loader(loading);
        // Checks that the model has features with this pooling: a model without them fails here, before training.
        parts = ValLoop.Parts.builder().setModel(services.model()).setLoader(loader)
                .setEvaluators(List.of(evaluator)).setManager(services.manager()).optCollective(ranks)
                .optBankLoading(loading).build();
        // A resumed run's weights are not the untrained ones: their evaluation belongs to the epoch it resumes at.
        if (initial && !c.resumed()) {
            evaluate(c);
        }
    }

    @Override
    public void afterEpoch(RunContext c) {
        if (c.epochDue(interval)) {
            evaluate(c);
        }
    }

    private void evaluate(RunContext c) {
        long start = System.nanoTime();
        Map<String, Double> metrics;
        try (RunContext.WeightSwap weights = services.evalWeights()) {
            metrics = services.valLoop().run(parts);
        }
        if (services.collective().isRoot()) {
            LOG.info("kNN monitor (k = {}, temperature = {}, {} bank and {} query images): {} ({} s)",
                    evaluator.effectiveK(), evaluator.vote().temperature(), evaluator.bank().size(), queries.size(),
                    metrics.entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                            .collect(Collectors.joining(", ")),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        }
        services.publishValMetrics(metrics);
    }

    @Override
    public void afterRun(RunContext c) {
        evaluator.close();
        if (loader != null) {
            loader.close();
        }
    }
}
