package org.easycv4j.core.model;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The config's {@code amp}: the type a model's matrix products run in. {@code fp16} needs loss scaling (float16's
 * range is narrow); {@code bf16} keeps float32's range and trains without it.
 */
public enum MixedPrecision {
    NONE(DataType.FLOAT32),
    FP16(DataType.FLOAT16),
    BF16(DataType.BFLOAT16);

    private final DataType matmulType;

    MixedPrecision(DataType matmulType) {
        this.matmulType = matmulType;
    }

    /** The type handed to {@link TaskModel#setAutocast}. */
    public DataType matmulType() {
        return matmulType;
    }

    /** The name in configs and on the command line: none, fp16, bf16. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this precision trains with dynamic loss scaling. */
    public boolean scalesLoss() {
        return this == FP16;
    }

    /** The config names, in order. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(MixedPrecision::configName).toList();
    }

    /** The precision of a config name (one of {@link #configNames}). */
    public static MixedPrecision of(String configName) {
        return valueOf(configName.toUpperCase(Locale.ROOT));
    }

    /** The precision whose matrix products run in {@code type}. */
    public static MixedPrecision of(DataType type) {
        for (MixedPrecision p : values()) {
            if (p.matmulType == type) {
                return p;
            }
        }
        throw new IllegalArgumentException("no mixed precision runs matrix products in " + type);
    }
}
