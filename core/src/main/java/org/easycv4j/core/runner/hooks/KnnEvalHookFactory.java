package org.easycv4j.core.runner.hooks;

import com.google.inject.Inject;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.eval.KnnEvaluator;
import org.easycv4j.core.eval.KnnEvaluatorFactory;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.Hook;

/**
 * {@code custom_hooks = [{type = KNNEvalHook, bank {type = ClsDataset, ...}, query {type = ClsDataset, ...},
 * interval = 1, k = 20, temperature = 0.07, topk = [1, 5], pooling = default}]}.
 */
public final class KnnEvalHookFactory implements ComponentFactory<KnnEvalHookFactory.Settings, Hook> {
    private final Components components;

    @Inject
    public KnnEvalHookFactory(Components components) {
        this.components = components;
    }

    /**
     * @param vote {@code k}, {@code temperature}, {@code topk}, {@code pooling} (as {@code KNNEvaluator})
     * @param bank the labelled reference images (e.g. the first few thousand training images)
     * @param query the labelled images scored (e.g. a validation split or the test set)
     * @param interval epochs between runs (it also runs after the last epoch)
     * @param initial also before training
     * @param imgsPerGpu images per feature-extraction batch and rank
     * @param workersPerGpu decode threads of its loaders
     */
    public record Settings(KnnEvaluatorFactory.Vote vote, Spec<Dataset> bank, Spec<Dataset> query, int interval,
            boolean initial, int imgsPerGpu, int workersPerGpu) {}

    @Override
    public String description() {
        return "kNN monitor: weighted kNN accuracy of frozen features every interval epochs (knn_top1, knn_top5)";
    }

    @Override
    public Settings settings(ConfigNode node) {
        KnnEvaluatorFactory.Vote vote = KnnEvaluatorFactory.Vote.fromConfig(node);
        Spec<Dataset> bank = KnnEvaluatorFactory.dataset(components, node, "bank").orElse(null);
        Spec<Dataset> query = KnnEvaluatorFactory.dataset(components, node, "query").orElse(null);
        int interval = node.integerAtLeast("interval", 1, 1);
        boolean initial = node.bool("initial", false);
        int imgs = node.integerAtLeast("imgs_per_gpu", 128, 1);
        int workers = node.integerAtLeast("workers_per_gpu", 2, 0);
        return new Settings(vote, bank, query, interval, initial, imgs, workers);
    }

    @Override
    public Hook create(Settings s, BuildContext context) {
        KnnEvaluator evaluator = new KnnEvaluator(s.vote(), s.bank().create(context));
        return new KnnEvalHook(evaluator, s.query().create(context), s.interval(), s.initial(), s.imgsPerGpu(),
                s.workersPerGpu());
    }
}
