package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** Restoring named optimizer state arrays. */
final class OptimizerStates {
    private OptimizerStates() {}

    /** Copies each {@code source} entry into the same-named array of {@code target}; all must be present. */
    static void copyInto(Map<String, NDArray> target, Map<String, NDArray> source) {
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            NDArray src = source.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException("optimizer state has no entry \"" + e.getKey() + "\"");
            }
            NDArray dst = e.getValue();
            if (!src.getShape().equals(dst.getShape())) {
                throw new IllegalArgumentException("optimizer state \"" + e.getKey() + "\" has shape "
                        + src.getShape() + ", expected " + dst.getShape());
            }
            dst.set(src.toType(dst.getDataType(), false).toByteBuffer());
        }
    }
}
