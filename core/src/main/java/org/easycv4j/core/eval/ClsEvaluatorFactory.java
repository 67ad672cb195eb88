package org.easycv4j.core.eval;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.data.ClassList;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/**
 * {@code type = ClsEvaluator, topk = [1, 5]}; {@code topk} may be one integer (EasyCV's {@code topk=1}), and
 * {@code class_list} (a list of names or a file of them, as the data source takes it) adds EasyCV's per-class
 * recall / precision / F1 means.
 */
public final class ClsEvaluatorFactory implements ComponentFactory<ClsEvaluatorFactory.Settings, Evaluator> {

    /**
     * @param topk the k of each top-k accuracy
     * @param classList the class names for per-class metrics
     */
    public record Settings(List<Integer> topk, Optional<ClassList> classList) {
        public static Settings fromConfig(ConfigNode node) {
            List<Integer> topk = node.isList("topk") || !node.has("topk") ? node.integers("topk", List.of(1, 5))
                    : List.of(node.integer("topk", 1));
            node.check(!topk.isEmpty() && topk.stream().allMatch(k -> k >= 1), "topk",
                    "expected a non-empty list of integers >= 1, got " + topk);
            return new Settings(topk, ClassList.fromConfig(node, "class_list"));
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
    public Evaluator create(Settings settings, BuildContext context) throws IOException {
        List<String> classes = settings.classList().isPresent() ? settings.classList().get().names("class_list")
                : List.of();
        return new ClsEvaluator(settings.topk(), classes);
    }
}
