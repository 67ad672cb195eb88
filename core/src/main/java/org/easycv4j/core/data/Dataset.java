package org.easycv4j.core.data;

import java.util.List;

/** A dataset the runner can iterate in batches (registry kind "dataset"). */
public interface Dataset {

    /** Number of usable samples. */
    int size();

    /** Class names in label order, empty when unknown or unlabelled (exports then name classes by index). */
    default List<String> classNames() {
        return List.of();
    }

    /** A loader over this dataset with the given batching, shuffling and sharding. */
    DataLoader loader(LoaderSettings settings);
}
