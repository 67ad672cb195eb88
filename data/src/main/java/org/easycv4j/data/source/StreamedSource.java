package org.easycv4j.data.source;

import org.easycv4j.core.data.LoaderSettings;

/**
 * A source read front to back rather than by index (tar shards on disk or in object storage): it decides the
 * epoch's order itself, and a loader reads an epoch through the {@link SampleAccess} it opens. Its
 * {@link #load} still reaches any sample, slowly (for tools that want a few).
 */
public interface StreamedSource extends DataSource {

    /** Samples this rank visits in an epoch. */
    int samplesPerRank(LoaderSettings settings);

    /** The samples this rank visits in {@code epoch}, in order: a function of (seed, epoch) and the source's settings. */
    int[] indices(int epoch, LoaderSettings settings);

    /**
     * Starts reading {@code epoch} for the samples {@code indices[from..to)} (a resumed epoch starts late, a
     * {@code drop_last} epoch ends early); at most about {@code inFlight} of them are asked for ahead of the
     * oldest unfinished one. Closing it stops the readers.
     */
    SampleAccess open(int epoch, LoaderSettings settings, int[] indices, int from, int to, int inFlight);
}
