package org.easycv4j.data.dataset;

import com.google.inject.Inject;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.registry.Components;

/**
 * {@code type = ClsDataset}: a labelled data source + pipeline. Keys: {@code data_source}, {@code pipeline},
 * optional {@code mixup { ... }} (batch-level Mixup / CutMix with label smoothing: batches then carry float32
 * (N, classes) soft targets instead of int64 class indices; see {@link org.easycv4j.data.pipeline.Mixup}),
 * {@code decoder}, {@code max_bad_samples} (see {@link DatasetSettings}).
 */
public final class ClsDatasetFactory implements ComponentFactory<DatasetSettings, Dataset> {
    private final Components components;

    @Inject
    public ClsDatasetFactory(Components components) {
        this.components = components;
    }

    @Override
    public String description() {
        return "classification: labelled data_source + pipeline, optional batch Mixup/CutMix (EasyCV ClsDataset)";
    }

    @Override
    public DatasetSettings settings(ConfigNode node) {
        return DatasetSettings.fromConfig(node, components, true);
    }

    @Override
    public Dataset create(DatasetSettings settings, BuildContext context) {
        return DatasetBuilder.build(settings, context, true);
    }
}
