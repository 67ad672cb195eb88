package org.easycv4j.core.eval;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** {@code type = ClsEvaluator, topk = [1, 5]}. */
public final class ClsEvaluatorFactory implements ComponentFactory<ClsEvaluatorFactory.Settings, Evaluator> {

    /** @param topk the k of each top-k accuracy */
    public record Settings(List<Integer> topk) {
        public static Settings fromConfig(ConfigNode node) {
            List<Integer> topk = node.integers("topk", List.of(1, 5));
            node.check(!topk.isEmpty() && topk.stream().allMatch(k -> k >= 1), "topk",
                    "expected a non-empty list of integers >= 1, got " + topk);
            return new Settings(topk);
        }
    }

    @Override
    public String description() {
        return "top-k classification accuracy in percent";
    }

    @Override
    public Settings settings(ConfigNode node) {
        return Settings.fromConfig(node);
    }

    @Override
    public Evaluator create(Settings settings, BuildContext context) {
        return new ClsEvaluator(settings.topk());
    }
}
