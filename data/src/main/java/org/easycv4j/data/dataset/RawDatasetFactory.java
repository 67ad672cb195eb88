package org.easycv4j.data.dataset;

import com.google.inject.Inject;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.registry.Components;

/**
 * {@code type = RawDataset}: images without labels for self-supervised training (EasyCV's MAE config).
 * Keys: {@code data_source}, {@code pipeline}, {@code decoder}, {@code max_bad_samples} (see
 * {@link DatasetSettings}). A labelled source may be used; its labels are dropped.
 */
public final class RawDatasetFactory implements ComponentFactory<DatasetSettings, Dataset> {
    private final Components components;

    @Inject
    public RawDatasetFactory(Components components) {
        this.components = components;
    }

    @Override
    public String description() {
        return "self-supervised: data_source + pipeline, batches without labels (EasyCV RawDataset)";
    }

    @Override
    public DatasetSettings settings(ConfigNode node) {
        return DatasetSettings.fromConfig(node, components, false);
    }

    @Override
    public Dataset create(DatasetSettings settings, BuildContext context) {
        return DatasetBuilder.build(settings, context, false);
    }
}
