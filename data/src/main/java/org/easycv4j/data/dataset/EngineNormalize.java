package org.easycv4j.data.dataset;

import ai.djl.Device;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;

/**
 * {@code engine_normalize}: whether batches travel as uint8 and the engine runs the pipeline's final ToTensor +
 * Normalize on the training device (see {@link ImageLoader}). Written {@code auto}, {@code true} or
 * {@code false} (a boolean or a string).
 */
public enum EngineNormalize {
    /** On for GPU training, off on the CPU (where the workers' float path costs no copy). */
    AUTO,
    ON,
    OFF;

    /** Whether the engine should convert batches trained on {@code device}. */
    public boolean wanted(Device device) {
        return this == ON || this == AUTO && device.isGpu();
    }

    /** Reads {@code key}; AUTO when it is not set. */
    static EngineNormalize fromConfig(ConfigNode node, String key) {
        if (!node.has(key)) {
            return AUTO;
        }
        if (!node.isString(key)) {
            return node.bool(key, false) ? ON : OFF;
        }
        return switch (node.choice(key, "auto", List.of("auto", "true", "false"))) {
            case "true" -> ON;
            case "false" -> OFF;
            default -> AUTO;
        };
    }
}
