package org.easycv4j.data.pipeline;

import java.util.List;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ImageBackend;

/**
 * EasyCV's final Collect step. Samples are typed records here, so nothing is selected at run time; the keys
 * are checked so that a ported config naming something this dataset does not produce fails early.
 * Key: {@code keys} (subset of "img", "gt_labels"; default ["img"]).
 */
public final class Collect implements Transform {
    static final List<String> KNOWN = List.of("img", "gt_labels");

    public record Settings(List<String> keys) {
        public static Settings fromConfig(ConfigNode node) {
            List<String> keys = node.strings("keys", List.of("img"));
            for (String k : keys) {
                node.check(KNOWN.contains(k), "keys", "unknown key \"" + k + "\", expected a subset of " + KNOWN);
            }
            node.check(keys.contains("img"), "keys", "expected \"img\" among the keys");
            return new Settings(keys);
        }
    }

    @Override
    public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
        return sample;
    }

    @Override
    public boolean passesThrough() {
        return true;
    }
}
