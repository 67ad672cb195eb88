package org.easycv4j.core.model;

import java.util.List;
import org.easycv4j.core.optim.NamedParameter;

/**
 * What {@code tools/export} writes for a model.
 *
 * @param task {@code classification} (the block maps images to logits; {@code tools/predict} can use it) or
 *     {@code backbone} (weights for another model's {@code pretrained}, e.g. MAE's encoder)
 * @param parameters the parameters to write, by their timm-style names
 */
public record ModelExport(String task, List<NamedParameter> parameters) {
    public static final String CLASSIFICATION = "classification";
    public static final String BACKBONE = "backbone";
}
