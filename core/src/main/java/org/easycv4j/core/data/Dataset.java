package org.easycv4j.core.data;

/** A dataset the runner can iterate in batches (registry kind "dataset"). */
public interface Dataset {

    /** Number of usable samples. */
    int size();

    /** A loader over this dataset with the given batching, shuffling and sharding. */
    DataLoader loader(LoaderSettings settings);
}
