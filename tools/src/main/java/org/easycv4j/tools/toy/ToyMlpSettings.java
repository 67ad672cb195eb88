package org.easycv4j.tools.toy;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * {@code model { type = ToyMLP, in_shape = [1, 8, 8], hidden = 32, num_classes = 4 }}.
 *
 * @param inShape channels, height, width of one input
 * @param hidden width of the hidden layer
 * @param numClasses number of outputs
 */
public record ToyMlpSettings(List<Integer> inShape, int hidden, int numClasses) {

    public static ToyMlpSettings fromConfig(ConfigNode n) {
        List<Integer> in = n.integers("in_shape", List.of(1, 8, 8));
        n.check(in.size() == 3 && in.stream().allMatch(v -> v > 0), "in_shape",
                "expected [channels, height, width] of positive integers, got " + in);
        int hidden = n.integerAtLeast("hidden", 32, 1);
        int classes = n.integerAtLeast("num_classes", 4, 2);
        return new ToyMlpSettings(in, hidden, classes);
    }
}
