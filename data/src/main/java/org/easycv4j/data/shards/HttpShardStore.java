package org.easycv4j.data.shards;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shards served over {@code http(s)://}: byte ranges ({@code Range: bytes=N-}) for resumed reads. */
final class HttpShardStore implements ShardStore {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private final HttpClient client;
    private final Duration timeout;

    HttpShardStore(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public Opened open(ShardUrls.Location shard, long offset) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(shard.url())).timeout(timeout).GET();
        if (offset > 0) {
            req.header("Range", "bytes=" + offset + "-");
        }
        HttpResponse<InputStream> r = send(shard, req.build(), HttpResponse.BodyHandlers.ofInputStream());
        int code = r.statusCode();
        if (code == 200 || code == 206) {
            InputStream in = r.body();
            long size;
            if (code == 206) {
                Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
                    in.close();
                    throw new ShardException(shard + ": the server answered range " + offset + "- with \""
                            + r.headers().firstValue("Content-Range").orElse("no Content-Range") + "\"", true);
                }
                size = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            } else {
                OptionalLong len = r.headers().firstValueAsLong("Content-Length");
                size = len.isPresent() ? len.getAsLong() : -1;
                // a server without range support sends the whole shard: skip to the offset
                in.skipNBytes(offset);
            }
            return new Opened(in, size);
        }
        r.body().close();
        throw status(shard, code);
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

    private <T> HttpResponse<T> send(ShardUrls.Location shard, HttpRequest req, HttpResponse.BodyHandler<T> body)
            throws IOException {
        try {
            return client.send(req, body);
        } catch (HttpTimeoutException e) {
            throw new ShardException(shard + ": no answer within " + timeout.toSeconds() + " s", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while opening " + shard);
        } catch (IOException e) {
            throw new ShardException(shard + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), true, e);
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
                HttpRequest head = HttpRequest.newBuilder(URI.create(s.url())).timeout(timeout)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
                codes.add(pool.submit(() -> send(s, head, HttpResponse.BodyHandlers.discarding()).statusCode()));
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
        HttpRequest req = HttpRequest.newBuilder(URI.create(object.url())).timeout(timeout).GET().build();
        HttpResponse<byte[]> r = send(object, req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404 || r.statusCode() == 410) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw status(object, r.statusCode());
        }
        return Optional.of(r.body());
    }
}
