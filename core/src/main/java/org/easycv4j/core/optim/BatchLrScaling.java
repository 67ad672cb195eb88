package org.easycv4j.core.optim;

import org.easycv4j.core.config.ConfigNode;

/**
 * EasyCV's {@code base_batch_size}: the configured lr is meant for that batch, and the lr used is
 * {@code lr × effective batch / base_batch_size} (0 = no scaling). One rule for every optimizer that offers it.
 */
final class BatchLrScaling {
    private BatchLrScaling() {}

    /** {@code base_batch_size} of an optimizer node, 0 when absent; a negative value is a config problem. */
    static int baseBatchSize(ConfigNode n) {
        int base = n.integer("base_batch_size", 0);
        n.check(base >= 0, "base_batch_size", "expected a batch size > 0 (or 0 for no lr scaling), got " + base);
        return base;
    }

    static double scale(double lr, int baseBatchSize, int effectiveBatchSize) {
        return baseBatchSize > 0 ? lr * effectiveBatchSize / baseBatchSize : lr;
    }
}
