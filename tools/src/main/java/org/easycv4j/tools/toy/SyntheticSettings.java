package org.easycv4j.tools.toy;

import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * {@code { type = SyntheticClassification, num_samples = 512, num_classes = 4, shape = [1, 8, 8], noise = 0.5,
 * seed = 0, pattern_seed = 0 }}: samples of the same {@code pattern_seed} share their class patterns.
 */
public record SyntheticSettings(int numSamples, int numClasses, List<Integer> shape, double noise, long seed,
        long patternSeed) {

    public static SyntheticSettings fromConfig(ConfigNode n) {
        int samples = n.integerAtLeast("num_samples", 512, 1);
        int classes = n.integerAtLeast("num_classes", 4, 2);
        List<Integer> shape = n.integers("shape", List.of(1, 8, 8));
        n.check(shape.size() == 3 && shape.stream().allMatch(v -> v > 0), "shape",
                "expected [channels, height, width] of positive integers, got " + shape);
        double noise = n.number("noise", 0.5);
        n.check(noise >= 0, "noise", "expected noise >= 0, got " + noise);
        long seed = n.longValue("seed", 0);
        long patternSeed = n.longValue("pattern_seed", 0);
        return new SyntheticSettings(samples, classes, shape.size() == 3 ? shape : List.of(1, 8, 8), noise, seed,
                patternSeed);
    }

    /** Values per sample. */
    public int sampleSize() {
        return shape.get(0) * shape.get(1) * shape.get(2);
    }
}
