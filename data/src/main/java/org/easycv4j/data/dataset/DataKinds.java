package org.easycv4j.data.dataset;

import org.easycv4j.core.registry.Kind;
import org.easycv4j.data.pipeline.Transform;
import org.easycv4j.data.source.DataSource;

/** The registry kinds declared by the data module. */
public final class DataKinds {
    private DataKinds() {}

    public static final Kind<DataSource> DATA_SOURCE = Kind.of("data source", DataSource.class,
            "where samples come from: image lists, class folders, IDX files (a dataset's data_source)");
    public static final Kind<Transform> TRANSFORM = Kind.of("transform", Transform.class,
            "one step of a dataset's pipeline: crops, flips, RandAugment, ToTensor, Normalize, ...");
}
