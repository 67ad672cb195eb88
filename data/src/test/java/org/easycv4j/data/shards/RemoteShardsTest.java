package org.easycv4j.data.shards;

import static org.easycv4j.data.Fixtures.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards over http:// from a real server on 127.0.0.1: the same batches as from disk, and its faults. */
class RemoteShardsTest {
    @TempDir
    static Path dir;

    static Path shards;
    static ShardHttpServer http;

    @BeforeAll
    static void setUp() throws IOException {
        WebDatasetSourceTest.manager = NDManager.newBaseManager();
        shards = ShardFixtures.write(dir.resolve("shards"), 45, 7);
        http = new ShardHttpServer(shards);
    }

    @AfterAll
    static void tearDown() {
        http.close();
        WebDatasetSourceTest.manager.close();
    }

    static String qs(String s) {
        return "\"" + s + "\"";
    }

    static final String ORDER = ", streams = 4, shuffle_buffer = 3, retry_backoff = 0.01";

    static List<int[]> epoch(Dataset ds, int epoch) {
        try (DataLoader l = ds.loader(new LoaderSettings(4, 2, true, false, 3, 0, 1))) {
            return WebDatasetSourceTest.epoch(l, epoch, 0);
        }
    }

    static void assertSame(List<int[]> a, List<int[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch " + i);
        }
    }

    @Test
    void httpShardsGiveTheLocalBatchesAndSurviveA503AndADroppedConnection() {
        List<int[]> local = epoch(WebDatasetSourceTest.dataset("urls = " + WebDatasetSourceTest.urls(shards) + ORDER), 1);
        Dataset remote = WebDatasetSourceTest.dataset("urls = " + qs(http.url("s-{000000..000006}.tar"))
                 + ORDER);
        assertSame(local, epoch(remote, 1));
        http.failNext("s-000003.tar", 2);
        http.cutNext("s-000005.tar", 3000);
        int ranges = http.rangeRequests.get();
        assertSame(local, epoch(remote, 1));
        assertTrue(http.rangeRequests.get() > ranges, "the cut shard was resumed with a byte range");
    }

    @Test
    void aStalledBodyTimesOutAndIsResumedFromItsByte() {
        List<int[]> local = epoch(WebDatasetSourceTest.dataset("urls = " + WebDatasetSourceTest.urls(shards) + ORDER), 2);
        Dataset remote = WebDatasetSourceTest.dataset("urls = " + qs(http.url("s-{000000..000006}.tar"))
                + ORDER + ", timeout = 0.3");
        // the server holds the connection open, sending nothing, ten times longer than the timeout
        http.stallNext("s-000002.tar", 2500, 3000);
        int ranges = http.rangeRequests.get();
        long start = System.nanoTime();
        assertSame(local, epoch(remote, 2));
        assertTrue(http.rangeRequests.get() > ranges, "the stalled shard was resumed with a byte range");
        assertTrue(System.nanoTime() - start < 2_900_000_000L, "the reader did not wait for the stalled server");
    }

    @Test
    void aServerNobodyListensOnIsOneLineSayingSo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/s-{000000..000001}.tar";
        String m = WebDatasetSourceTest.rootMessage(assertThrows(RuntimeException.class,
                () -> WebDatasetSourceTest.dataset("urls = " + qs(url) + ", retries = 1, timeout = 2")));
        assertTrue(m.contains("http://127.0.0.1:" + port + "/s-00000") && m.contains("cannot connect"), m);
        assertFalse(m.contains("java.net"), m);
    }

    @Test
    void aServerThatKeepsFailingEndsTheRunNamingTheUrl() {
        Dataset remote = WebDatasetSourceTest.dataset("urls = " + qs(http.url("s-{000000..000006}.tar"))
                + ORDER + ", retries = 2");
        http.failNext("s-000001.tar", 1000);
        try {
            Throwable e = assertThrows(RuntimeException.class, () -> epoch(remote, 0));
            while (!(e instanceof ShardException) && e.getCause() != null) {
                e = e.getCause();
            }
            String m = e.getMessage();
            assertTrue(m.contains(http.url("s-000001.tar")) && m.contains("after 2 retries") && m.contains("HTTP 503"), m);
        } finally {
            http.failNext("s-000001.tar", 0);
        }
    }

    @Test
    void aMissingShardOrIndexFailsBeforeTraining() {
        Exception e = assertThrows(RuntimeException.class, () -> WebDatasetSourceTest.dataset("urls = "
                + qs(http.url("s-{000000..000007}.tar"))));
        String m = WebDatasetSourceTest.rootMessage(e);
        assertTrue(m.contains("shard not found: " + http.url("s-000007.tar")), m);
        Exception noIndex = assertThrows(RuntimeException.class, () -> WebDatasetSourceTest.dataset("urls = "
                + qs(http.url("s-{000000..000006}.tar")) + ", index = " + qs(http.url("nope.json"))));
        assertTrue(WebDatasetSourceTest.rootMessage(noIndex).contains("nope.json not found"),
                WebDatasetSourceTest.rootMessage(noIndex));
    }
}
