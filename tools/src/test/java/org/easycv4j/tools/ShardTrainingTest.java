package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
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
 * The demo's images sharded by tools/make-shards, uploaded to a real S3-compatible server on 127.0.0.1 (S3Proxy),
 * and MAE-pretrained from {@code s3://}: the same losses, step for step, as from the same shards on disk.
 */
class ShardTrainingTest {
    private static final Path DEMO = Path.of("..", "configs", "demo", "fashion_mnist").toAbsolutePath();
    private static final Path FMNIST = Path.of("..", "demo", "fashion-mnist").toAbsolutePath();

    private static List<Double> losses(Path workDir) throws Exception {
        return Files.readAllLines(workDir.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(r -> r.get("mode").getAsString().equals("train") && r.has("loss"))
                .map(r -> r.get("loss").getAsDouble()).toList();
    }

    private static Path config(Path dir, String name, String source) throws Exception {
        Path c = dir.resolve(name);
        Files.writeString(c, "include file(\"" + DEMO.resolve("mae_vit_tiny_p4_pretrain.conf") + "\")\n"
                + "vars.fmnist_root = \"" + FMNIST + "\"\n"
                + "data.train.data_source = null\n"
                + "data.train.data_source { type = WebDatasetSource, to_rgb = false, streams = 2, shuffle_buffer = 32, "
                + source + " }\n");
        return c;
    }

    private static int train(Path config, Path workDir) {
        return Main.run("train", config.toString(), "--work-dir", workDir.toString(), "--set", "total_epochs=2",
                "--set", "progress=off", "--set", "data.imgs_per_gpu=32", "--set", "custom_hooks=[]");
    }

    @Test
    void pretrainingFromS3EqualsPretrainingFromTheSameShardsOnDisk(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src.conf");
        Files.writeString(src, "data.train.data_source { type = ClsSourceIdx, root = \"" + FMNIST
                + "\", split = train, max_data_num = 160 }\n");
        Path shards = dir.resolve("shards");
        String printed = CliRun.out("make-shards", src.toString(), "--out", shards.toString(), "--prefix", "fm",
                "--max-count", "50");
        assertTrue(printed.contains("160 samples in"), printed);

        Path local = dir.resolve("local");
        assertEquals(0, train(config(dir, "local.conf", "urls = \"" + shards.resolve("fm-{000000..000003}.tar") + "\""),
                local));

        Properties p = new Properties();
        Files.createDirectories(dir.resolve("store"));
        p.setProperty("jclouds.filesystem.basedir", dir.resolve("store").toString());
        BlobStoreContext ctx = ContextBuilder.newBuilder("filesystem").credentials("id", "cred").overrides(p)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(ctx.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "k", "s").build();
        proxy.start();
        try {
            for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
                Thread.sleep(50);
            }
            String endpoint = "http://127.0.0.1:" + proxy.getPort();
            System.setProperty("aws.accessKeyId", "k");
            System.setProperty("aws.secretAccessKey", "s");
            System.setProperty("aws.disableEc2Metadata", "true");
            try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                    .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s"))).build();
                    Stream<Path> files = Files.list(shards)) {
                s3.createBucket(b -> b.bucket("fmnist"));
                for (Path f : files.toList()) {
                    s3.putObject(b -> b.bucket("fmnist").key("train/" + f.getFileName()), RequestBody.fromFile(f));
                }
            }
            Path remote = dir.resolve("remote");
            assertEquals(0, train(config(dir, "s3.conf", "urls = \"s3://fmnist/train/fm-{000000..000003}.tar\", endpoint = \""
                    + endpoint + "\""), remote));
            List<Double> a = losses(local);
            List<Double> b = losses(remote);
            assertTrue(a.size() >= 2, a.toString());
            assertEquals(a, b, "the same losses from s3:// as from disk");
        } finally {
            proxy.stop();
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
