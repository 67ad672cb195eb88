package org.easycv4j.data.shards;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.Consumer;

/**
 * A shard read front to back that survives transient faults: a dropped connection, a 5xx answer or a stream
 * that ends before the shard's size is reopened at the byte it stopped at, after a backoff that doubles, up to
 * {@code retries} times in a row without progress; then one error naming the URL and the byte.
 */
final class ResumingInputStream extends InputStream {
    private final ShardStore store;
    private final ShardUrls.Location shard;
    private final int retries;
    private final long backoffMillis;
    private final Consumer<String> log;
    private InputStream in;
    private long pos;
    private long size = -1;
    private int failures;

    ResumingInputStream(ShardStore store, ShardUrls.Location shard, long offset, int retries, long backoffMillis,
            Consumer<String> log) {
        this.store = store;
        this.shard = shard;
        this.pos = offset;
        this.retries = retries;
        this.backoffMillis = backoffMillis;
        this.log = log;
    }

    /** Bytes of the shard read so far (from its start). */
    long position() {
        return pos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            try {
                if (in == null) {
                    ShardStore.Opened o = store.open(shard, pos);
                    in = o.stream();
                    if (o.size() >= 0) {
                        size = o.size();
                    }
                }
                int n = in.read(b, off, len);
                if (n < 0) {
                    if (size >= 0 && pos < size) {
                        throw new ShardException(shard + ": the connection ended at byte " + pos + " of " + size, true);
                    }
                    return -1;
                }
                pos += n;
                failures = 0;
                return n;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                boolean again = !(e instanceof ShardException s) || s.transientFault();
                closeQuietly();
                if (!again) {
                    throw e;
                }
                if (++failures > retries) {
                    throw new ShardException(shard + ": gave up at byte " + pos + " after " + retries + " retries: "
                            + e.getMessage(), false, e);
                }
                long wait = backoffMillis << Math.min(failures - 1, 10);
                log.accept(shard + ": " + e.getMessage() + "; retry " + failures + " of " + retries + " from byte "
                        + pos + " in " + wait + " ms");
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting to retry " + shard);
                }
            }
        }
    }

    private void closeQuietly() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the stream is being replaced because it failed
            }
            in = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
