package org.easycv4j.core.model;

import java.util.List;
import java.util.Locale;

/**
 * What {@code tools/export} writes for a model.
 *
 * @param task what the exported weights are for
 * @param parameters the parameters to write, by their timm-style names
 */
public record ModelExport(Task task, List<NamedParameter> parameters) {

    /** What an export is for; {@link #id()} is the value of {@code task} in the export's files. */
    public enum Task {
        /** The block maps images to logits; {@code tools/predict} can use it. */
        CLASSIFICATION,
        /** Weights for another model's {@code pretrained}, e.g. MAE's encoder. */
        BACKBONE;

        /** The name written to and read from export files: {@code classification}, {@code backbone}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
