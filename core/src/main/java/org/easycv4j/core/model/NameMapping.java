package org.easycv4j.core.model;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.util.Map;

/**
 * Renames the tensors of a weights file written elsewhere (timm, the MAE repository, Hugging Face, EasyCV) to a
 * model's parameter names before the weight loader matches them. A model supplies its own; core knows none.
 */
@FunctionalInterface
public interface NameMapping {
    /** Keeps every name. */
    NameMapping IDENTITY = (source, tensors) -> tensors;

    /**
     * The tensors under the model's names; {@code source} names the file in errors (e.g. a checkpoint of another
     * architecture), as the checkpoint package's WeightLoadException; declared as its IOException so that the
     * model package does not depend on the checkpoint package.
     */
    Map<String, NDArray> apply(String source, Map<String, NDArray> tensors) throws IOException;
}
