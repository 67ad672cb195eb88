package org.easycv4j.data.shards;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on 127.0.0.1 serving a folder with byte ranges, and faults on demand: the next answers for a
 * file may be a 5xx, a body cut off after some bytes (the connection dropped mid-shard), or a body that stops
 * after some bytes and sends nothing more for a while (a stalled connection).
 */
final class ShardHttpServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private final HttpServer server;
    private final Path root;
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final Map<String, Long> cuts = new ConcurrentHashMap<>();
    private final Map<String, long[]> stalls = new ConcurrentHashMap<>();
    final AtomicInteger rangeRequests = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    ShardHttpServer(Path root) throws IOException {
        this.root = root;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
    }

    /** The next {@code n} GETs of {@code name} answer 503. */
    void failNext(String name, int n) {
        errors.put(name, new AtomicInteger(n));
    }

    /** The next GET of {@code name} sends only its first {@code bytes} bytes, then drops the connection. */
    void cutNext(String name, long bytes) {
        cuts.put(name, bytes);
    }

    /** The next GET of {@code name} sends its first {@code bytes} bytes, then nothing for {@code millis} ms. */
    void stallNext(String name, long bytes, long millis) {
        stalls.put(name, new long[] {bytes, millis});
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String name = ex.getRequestURI().getPath().substring(1);
            Path file = root.resolve(name).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(file);
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Length", Long.toString(size));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            AtomicInteger fail = errors.get(name);
            if (fail != null && fail.getAndDecrement() > 0) {
                ex.sendResponseHeaders(503, -1);
                return;
            }
            long from = 0;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null) {
                Matcher m = RANGE.matcher(range);
                if (m.matches()) {
                    from = Long.parseLong(m.group(1));
                    rangeRequests.incrementAndGet();
                }
            }
            byte[] all = Files.readAllBytes(file);
            int length = (int) (size - from);
            if (range != null) {
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
                ex.sendResponseHeaders(206, length);
            } else {
                ex.sendResponseHeaders(200, length);
            }
            Long cut = cuts.remove(name);
            OutputStream out = ex.getResponseBody();
            if (cut != null) {
                out.write(all, (int) from, (int) Math.min(cut, length));
                out.flush();
                // closing the exchange before Content-Length bytes were sent drops the connection
                return;
            }
            long[] stall = stalls.remove(name);
            if (stall != null) {
                out.write(all, (int) from, (int) Math.min(stall[0], length));
                out.flush();
                try {
                    Thread.sleep(stall[1]);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            out.write(all, (int) from, length);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
