package org.easycv4j.core.data;

import java.util.List;
import org.easycv4j.core.registry.Kind;

/** A dataset the runner can iterate in batches (registry kind "dataset"). */
public interface Dataset {
    /** The registry kind of {@code Dataset}s (tools/list dataset): what a config's {@code type} names here. */
    Kind<Dataset> KIND = Kind.of("dataset", Dataset.class, "a dataset: a data source plus a pipeline, iterated in batches");


    /** Number of usable samples. */
    int size();

    /** Class names in label order, empty when unknown or unlabelled (exports then name classes by index). */
    default List<String> classNames() {
        return List.of();
    }

    /**
     * Where the first sample whose label is {@code numClasses} or more is declared, with the label (e.g.
     * {@code train.txt:3: label 12}) and how many such samples there are; empty when every label fits, when
     * the dataset is unlabelled, or when labels are only known as samples are read (streamed shards).
     */
    default java.util.Optional<String> labelBeyond(int numClasses) {
        return java.util.Optional.empty();
    }

    /** A loader over this dataset with the given batching, shuffling and sharding. */
    DataLoader loader(LoaderSettings settings);
}
