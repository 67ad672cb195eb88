package org.easycv4j.core.eval;

import com.google.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.Spec;

/**
 * {@code type = KNNEvaluator, bank {type = ClsDataset, ...}, k = 20, temperature = 0.07, topk = [1, 5],
 * pooling = default}: the weighted kNN probe of {@link KnnEvaluator} in {@code eval_pipelines}, whose
 * {@code data} are the queries. The kNN monitor hook ({@code KNNEvalHook}) reads the same keys.
 */
public final class KnnEvaluatorFactory implements ComponentFactory<KnnEvaluatorFactory.Settings, Evaluator> {
    private final Components components;

    @Inject
    public KnnEvaluatorFactory(Components components) {
        this.components = components;
    }

    /**
     * The vote's keys.
     *
     * @param k neighbours per query (DINO's 20); clipped to the bank's size
     * @param temperature the weight of a neighbour at cosine similarity s is exp(s / temperature) (DINO's 0.07)
     * @param topk the k of each reported top-k accuracy ({@code knn_top1}, ...)
     * @param pooling how the model pools its tokens into features
     */
    public record Vote(int k, double temperature, List<Integer> topk, FeaturePooling pooling) {
        public static Vote fromConfig(ConfigNode node) {
            int k = node.integerAtLeast("k", 20, 1);
            double t = node.number("temperature", 0.07);
            node.check(t > 0 && Double.isFinite(t), "temperature", "expected a number > 0, got " + t);
            List<Integer> topk = node.integers("topk", List.of(1, 5));
            node.check(!topk.isEmpty() && topk.stream().allMatch(x -> x >= 1), "topk",
                    "expected a non-empty list of integers >= 1, got " + topk);
            FeaturePooling pooling = node.choice("pooling", FeaturePooling.DEFAULT);
            return new Vote(k, t, topk, pooling);
        }
    }

    /** @param bank the labelled reference set (a dataset with labels, e.g. {@code ClsDataset}) */
    public record Settings(Vote vote, Spec<Dataset> bank) {}

    /** The required dataset {@code key} (a bank or query set): one problem naming the key when it is missing. */
    public static Optional<Spec<Dataset>> dataset(Components components, ConfigNode node, String key) {
        ConfigNode child = node.object(key); // records "missing required object" when absent
        return node.has(key) ? components.parse(child, CoreKinds.DATASET) : Optional.empty();
    }

    @Override
    public String description() {
        return "weighted kNN accuracy (percent) of frozen features against a labelled bank (DINO's kNN probe)";
    }

    @Override
    public Settings settings(ConfigNode node) {
        Vote vote = Vote.fromConfig(node);
        Optional<Spec<Dataset>> bank = dataset(components, node, "bank");
        return new Settings(vote, bank.orElse(null));
    }

    @Override
    public Evaluator create(Settings settings, BuildContext context) {
        return new KnnEvaluator(settings.vote(), settings.bank().create(context));
    }
}
