package org.easycv4j.data.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.core.data.Dataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards in a real S3-compatible server (S3Proxy, filesystem backend) on 127.0.0.1, read with the AWS SDK:
 * the same batches as the same shards on disk; refused credentials and a missing bucket fail before training.
 */
class S3ShardsTest {
    static final String KEY = "test-access";
    static final String SECRET = "test-secret";

    @TempDir
    static Path dir;

    static LocalS3 server;
    static String endpoint;
    static Path shards;

    @BeforeAll
    static void setUp() throws Exception {
        WebDatasetSourceTest.manager = NDManager.newBaseManager();
        shards = ShardFixtures.write(dir.resolve("shards"), 45, 7);
        server = LocalS3.start(dir.resolve("store"), 0, KEY, SECRET);
        endpoint = server.endpoint();
        server.useAsDefaultCredentials();
        server.upload(shards, "data", "fmnist/");
    }

    @AfterAll
    static void tearDown() throws Exception {
        server.close();
        WebDatasetSourceTest.manager.close();
        LocalS3.clearDefaultCredentials();
    }

    static String s3(String urls) {
        return "urls = \"" + urls + "\", endpoint = \"" + endpoint + "\"" + RemoteShardsTest.ORDER;
    }

    @Test
    void s3ShardsGiveTheBatchesOfTheSameShardsOnDisk() {
        List<int[]> local = RemoteShardsTest.epoch(WebDatasetSourceTest.dataset("urls = "
                + WebDatasetSourceTest.urls(shards) + RemoteShardsTest.ORDER), 2);
        Dataset remote = WebDatasetSourceTest.dataset(s3("s3://data/fmnist/s-{000000..000006}.tar"));
        assertEquals(45, remote.size());
        assertEquals(List.of("a", "b", "c", "d"), remote.classNames());
        List<int[]> fromS3 = RemoteShardsTest.epoch(remote, 2);
        assertEquals(local.size(), fromS3.size());
        for (int b = 0; b < local.size(); b++) {
            assertArrayEquals(local.get(b), fromS3.get(b), "batch " + b);
        }
    }

    @Test
    void refusedCredentialsAMissingBucketAndAMissingShardFailBeforeTraining() {
        System.setProperty("aws.secretAccessKey", "wrong");
        try {
            String m = WebDatasetSourceTest.rootMessage(assertThrows(RuntimeException.class,
                    () -> WebDatasetSourceTest.dataset(s3("s3://data/fmnist/s-{000000..000006}.tar"))));
            assertTrue(m.contains("access refused") && m.contains("credentials"), m);
        } finally {
            System.setProperty("aws.secretAccessKey", SECRET);
        }
        String bucket = WebDatasetSourceTest.rootMessage(assertThrows(RuntimeException.class,
                () -> WebDatasetSourceTest.dataset(s3("s3://nobucket/fmnist/s-{000000..000006}.tar"))));
        assertTrue(bucket.contains("s3://nobucket") && bucket.contains("no such bucket"), bucket);
        String shard = WebDatasetSourceTest.rootMessage(assertThrows(RuntimeException.class,
                () -> WebDatasetSourceTest.dataset(s3("s3://data/fmnist/s-{000000..000009}.tar"))));
        assertTrue(shard.contains("shard not found: s3://data/fmnist/s-000007.tar (and 2 more"), shard);
    }
}
