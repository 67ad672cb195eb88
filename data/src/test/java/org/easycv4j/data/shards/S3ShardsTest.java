package org.easycv4j.data.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.easycv4j.core.data.Dataset;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Shards in a real S3-compatible server (S3Proxy, filesystem backend) on 127.0.0.1, read with the AWS SDK:
 * the same batches as the same shards on disk; refused credentials and a missing bucket fail before training.
 */
class S3ShardsTest {
    static final String KEY = "test-access";
    static final String SECRET = "test-secret";

    @TempDir
    static Path dir;

    static S3Proxy proxy;
    static String endpoint;
    static Path shards;

    @BeforeAll
    static void setUp() throws Exception {
        WebDatasetSourceTest.manager = NDManager.newBaseManager();
        shards = ShardFixtures.write(dir.resolve("shards"), 45, 7);
        Properties p = new Properties();
        Files.createDirectories(dir.resolve("store"));
        p.setProperty("jclouds.filesystem.basedir", dir.resolve("store").toString());
        BlobStoreContext ctx = ContextBuilder.newBuilder("filesystem").credentials("id", "cred").overrides(p)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(ctx.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET).build();
        proxy.start();
        for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(50);
        }
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        // the SDK's default chain reads these first; no instance-metadata lookups off the loopback
        System.setProperty("aws.accessKeyId", KEY);
        System.setProperty("aws.secretAccessKey", SECRET);
        System.setProperty("aws.disableEc2Metadata", "true");
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET))).build();
                Stream<Path> files = Files.list(shards)) {
            s3.createBucket(b -> b.bucket("data"));
            for (Path f : files.toList()) {
                s3.putObject(b -> b.bucket("data").key("fmnist/" + f.getFileName()), RequestBody.fromFile(f));
            }
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        proxy.stop();
        WebDatasetSourceTest.manager.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
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
