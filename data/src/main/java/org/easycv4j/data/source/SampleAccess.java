package org.easycv4j.data.source;

import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ImageBackend;

/**
 * How one epoch's loader reaches samples. For an indexed source that is the source itself (any index, any
 * time, the next index standing in for a bad one); for a streamed one ({@link StreamedSource}) the samples the
 * epoch's readers have buffered, a bad one replaced from its own window.
 */
public interface SampleAccess extends AutoCloseable {

    /** Reads sample {@code index}, still encoded where {@code encoded} allows it (see {@link DataSource#loadEncoded}). */
    Sample load(int index, ImageBackend backend, boolean encoded) throws BadSampleException;

    /** The index tried next when {@code index} is bad. */
    int fallback(int index);

    /** How many candidates a bad sample's replacement may try before the loader gives up. */
    int candidates(int index);

    /** The epoch is done with the sample at {@code index} (its place is filled, by it or by a replacement). */
    default void done(int index) {}

    @Override
    default void close() {}

    /** Random access to an indexed source. */
    static SampleAccess of(DataSource source) {
        return new SampleAccess() {
            @Override
            public Sample load(int index, ImageBackend backend, boolean encoded) throws BadSampleException {
                return encoded ? source.loadEncoded(index, backend) : source.load(index, backend);
            }

            @Override
            public int fallback(int index) {
                return (index + 1) % source.size();
            }

            @Override
            public int candidates(int index) {
                return source.size();
            }
        };
    }
}
