package org.easycv4j.data.shards;

import java.io.IOException;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server (S3Proxy over its filesystem backend) on 127.0.0.1, with AWS v2/v4 signatures
 * checked against one key pair: the object store of the s3:// tests, and of the S3 read benchmark
 * ({@code bench/local-s3}: {@link #main}).
 */
public final class LocalS3 implements AutoCloseable {
    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String key;
    private final String secret;
    private final String endpoint;

    private LocalS3(S3Proxy proxy, BlobStoreContext context, String key, String secret) {
        this.proxy = proxy;
        this.context = context;
        this.key = key;
        this.secret = secret;
        this.endpoint = "http://127.0.0.1:" + proxy.getPort();
    }

    /** Starts a server keeping its objects under {@code store}, on {@code port} of 127.0.0.1 (0: any free one). */
    public static LocalS3 start(Path store, int port, String key, String secret) throws Exception {
        Files.createDirectories(store);
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", store.toString());
        BlobStoreContext ctx = ContextBuilder.newBuilder("filesystem").credentials("id", "cred").overrides(p)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(ctx.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, key, secret).build();
        proxy.start();
        for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(50);
        }
        if (!"STARTED".equals(proxy.getState())) {
            proxy.stop();
            ctx.close();
            throw new IllegalStateException("S3Proxy did not start on 127.0.0.1:" + port + ": " + proxy.getState());
        }
        return new LocalS3(proxy, ctx, key, secret);
    }

    public String endpoint() {
        return endpoint;
    }

    /**
     * Points the AWS SDK's default credential chain at this server's key pair (system properties, read
     * before any file or instance-metadata lookup, which is switched off so that nothing leaves the loopback).
     */
    public void useAsDefaultCredentials() {
        System.setProperty("aws.accessKeyId", key);
        System.setProperty("aws.secretAccessKey", secret);
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    public static void clearDefaultCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** Creates {@code bucket} and uploads every file of {@code folder} as {@code prefix + name}. */
    public List<String> upload(Path folder, String bucket, String prefix) throws IOException {
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret))).build();
                Stream<Path> files = Files.list(folder)) {
            if (!s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
                s3.createBucket(b -> b.bucket(bucket));
            }
            List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            for (Path f : all) {
                s3.putObject(b -> b.bucket(bucket).key(prefix + f.getFileName()), RequestBody.fromFile(f));
            }
            return all.stream().map(f -> prefix + f.getFileName()).toList();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }

    /**
     * {@code LocalS3 STORE SHARDS s3://BUCKET/PREFIX [PORT]}: uploads the files of SHARDS and serves them on
     * 127.0.0.1 until standard input closes (the benchmark's server; key {@code bench}, secret {@code bench}).
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !args[2].startsWith("s3://")) {
            System.err.println("usage: LocalS3 STORE_DIR SHARD_DIR s3://BUCKET/PREFIX [PORT]");
            System.exit(2);
        }
        String target = args[2].substring("s3://".length());
        int slash = target.indexOf('/');
        String bucket = slash < 0 ? target : target.substring(0, slash);
        String prefix = slash < 0 ? "" : target.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        try (LocalS3 s3 = start(Path.of(args[0]), port, "bench", "bench")) {
            List<String> keys = s3.upload(Path.of(args[1]), bucket, prefix);
            System.out.println("serving " + keys.size() + " objects of s3://" + bucket + "/" + prefix + " at "
                    + s3.endpoint() + " (key bench, secret bench); close standard input to stop");
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the caller closes our standard input
            }
        }
    }
}
