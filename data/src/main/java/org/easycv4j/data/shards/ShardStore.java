package org.easycv4j.data.shards;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where shards are read from: one implementation per {@link ShardUrls.Scheme}. {@link #open} is one attempt;
 * {@link ResumingInputStream} adds the retries and the resumed byte ranges on top.
 */
public interface ShardStore extends AutoCloseable {

    /** An open shard from {@code offset} on, and the whole shard's size in bytes (-1 where the server does not say). */
    record Opened(InputStream stream, long size) {}

    /** Opens {@code shard} at byte {@code offset}; failures are {@link ShardException}s saying whether to retry. */
    Opened open(ShardUrls.Location shard, long offset) throws IOException;

    /**
     * Checks, before training starts, that every shard exists and the credentials are accepted: one message
     * naming the first missing shard (and how many are missing), or what the server refused.
     */
    void checkAll(List<ShardUrls.Location> shards) throws IOException;

    /** A small object read whole (the index), or empty when it does not exist. */
    java.util.Optional<byte[]> readIfExists(ShardUrls.Location object) throws IOException;

    @Override
    default void close() {}

    /** One message for a list of missing shards. */
    static ShardException missing(List<ShardUrls.Location> missing, int of) {
        return new ShardException("shard not found: " + missing.get(0) + (missing.size() > 1 ? " (and "
                + (missing.size() - 1) + " more of the " + of + " in urls)" : "") + "; check the brace range in urls",
                false);
    }
}
