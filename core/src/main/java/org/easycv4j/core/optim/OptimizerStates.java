package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.model.NamedParameter;

/** Naming and restoring optimizer state arrays. */
final class OptimizerStates {
    private OptimizerStates() {}

    /** One state array per parameter, named {@code prefix + parameter name} as in the checkpoint files. */
    static Map<String, NDArray> perParameter(String prefix, List<NamedParameter> params, List<NDArray> arrays) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            out.put(prefix + params.get(i).name(), arrays.get(i));
        }
        return out;
    }

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
