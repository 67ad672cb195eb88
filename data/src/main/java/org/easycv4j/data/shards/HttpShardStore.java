package org.easycv4j.data.shards;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shards served over {@code http(s)://}: byte ranges ({@code Range: bytes=N-}) for resumed reads. Each read
 * of a body waits at most {@code timeout} for the next bytes (a socket read timeout), so a stalled connection
 * is a transient fault the reader retries from its byte, not a training run that hangs.
 */
final class HttpShardStore implements ShardStore {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 5;
    private final int timeoutMillis;

    HttpShardStore(Duration timeout) {
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    @Override
    public Opened open(ShardUrls.Location shard, long offset) throws IOException {
        HttpURLConnection c = connect(shard, "GET", offset);
        int code = status(shard, c);
        if (code == 200 || code == 206) {
            InputStream in = body(shard, c);
            long size;
            if (code == 206) {
                String range = c.getHeaderField("Content-Range");
                Matcher m = CONTENT_RANGE.matcher(range == null ? "" : range);
                if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
                    in.close();
                    throw new ShardException(shard + ": the server answered range " + offset + "- with \""
                            + (range == null ? "no Content-Range" : range) + "\"", true);
                }
                size = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            } else {
                size = c.getContentLengthLong();
                // a server without range support sends the whole shard: skip to the offset
                try {
                    in.skipNBytes(offset);
                } catch (IOException e) {
                    in.close();
                    throw fault(shard, e);
                }
            }
            return new Opened(new Guarded(shard, in), size);
        }
        c.disconnect();
        throw status(shard, code);
    }

    /** A connection to {@code shard} with its request sent; redirects followed, but never from https to http. */
    private HttpURLConnection connect(ShardUrls.Location shard, String method, long offset) throws IOException {
        URL url;
        try {
            url = URI.create(shard.url()).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new ShardException(shard + ": not a valid URL (" + e.getMessage() + ")", false, e);
        }
        for (int hop = 0; ; hop++) {
            HttpURLConnection c;
            try {
                c = (HttpURLConnection) url.openConnection();
            } catch (IOException e) {
                throw fault(shard, e);
            }
            c.setConnectTimeout(timeoutMillis);
            c.setReadTimeout(timeoutMillis);
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod(method);
            if (offset > 0) {
                c.setRequestProperty("Range", "bytes=" + offset + "-");
            }
            int code = status(shard, c);
            String location = c.getHeaderField("Location");
            if (code < 300 || code >= 400 || code == 304 || location == null) {
                return c;
            }
            c.disconnect();
            if (hop >= MAX_REDIRECTS) {
                throw new ShardException(shard + ": more than " + MAX_REDIRECTS + " redirects", false);
            }
            URL next = new URL(url, location);
            if (url.getProtocol().equals("https") && !next.getProtocol().equals("https")) {
                throw new ShardException(shard + ": refused a redirect from https to " + next, false);
            }
            url = next;
        }
    }

    private int status(ShardUrls.Location shard, HttpURLConnection c) throws IOException {
        try {
            return c.getResponseCode();
        } catch (IOException e) {
            throw fault(shard, e);
        }
    }

    private InputStream body(ShardUrls.Location shard, HttpURLConnection c) throws IOException {
        try {
            return c.getInputStream();
        } catch (IOException e) {
            throw fault(shard, e);
        }
    }

    /** What went wrong on the wire, in words a user can act on; every such fault may pass. */
    ShardException fault(ShardUrls.Location shard, IOException e) {
        String why;
        if (e instanceof ShardException s) {
            return s;
        } else if (e instanceof SocketTimeoutException) {
            why = "nothing received for " + timeoutMillis / 1000.0 + " s (timeout; " + describe(e) + ")";
        } else if (e instanceof ConnectException) {
            why = "cannot connect (" + describe(e) + ")";
        } else if (e instanceof UnknownHostException) {
            why = "unknown host " + e.getMessage();
        } else {
            why = describe(e);
        }
        return new ShardException(shard + ": " + why, true, e);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static ShardException status(ShardUrls.Location shard, int code) {
        if (code == 404 || code == 410) {
            return new ShardException("shard not found: " + shard + " (HTTP " + code + ")", false);
        }
        if (code == 401 || code == 403) {
            return new ShardException(shard + ": access refused (HTTP " + code + ")", false);
        }
        // 5xx, 429 (throttled) and 408 pass; anything else (a 4xx) is the request's fault and will not
        return new ShardException(shard + ": HTTP " + code, code >= 500 || code == 429 || code == 408);
    }

    /** A body whose read faults (a timeout, a reset) name the shard and pass as transient. */
    private final class Guarded extends FilterInputStream {
        private final ShardUrls.Location shard;

        Guarded(ShardUrls.Location shard, InputStream in) {
            super(in);
            this.shard = shard;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw fault(shard, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw fault(shard, e);
            }
        }
    }

    @Override
    public void checkAll(List<ShardUrls.Location> shards) throws IOException {
        // HEAD requests, a few at a time: a range of thousands of shards is checked in seconds
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, Math.max(1, shards.size())), r -> {
            Thread t = new Thread(r, "shard-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (ShardUrls.Location s : shards) {
                codes.add(pool.submit(() -> {
                    HttpURLConnection c = connect(s, "HEAD", 0);
                    try {
                        return status(s, c);
                    } finally {
                        c.disconnect();
                    }
                }));
            }
            List<ShardUrls.Location> missing = new ArrayList<>();
            for (int i = 0; i < shards.size(); i++) {
                int code = get(codes.get(i));
                if (code == 404 || code == 410) {
                    missing.add(shards.get(i));
                } else if (code >= 400) {
                    throw status(shards.get(i), code);
                }
            }
            if (!missing.isEmpty()) {
                throw ShardStore.missing(missing, shards.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int get(Future<Integer> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while checking the shards");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Optional<byte[]> readIfExists(ShardUrls.Location object) throws IOException {
        HttpURLConnection c = connect(object, "GET", 0);
        try {
            int code = status(object, c);
            if (code == 404 || code == 410) {
                return Optional.empty();
            }
            if (code != 200) {
                throw status(object, code);
            }
            try (InputStream in = body(object, c)) {
                return Optional.of(in.readAllBytes());
            } catch (IOException e) {
                throw fault(object, e);
            }
        } finally {
            c.disconnect();
        }
    }
}
