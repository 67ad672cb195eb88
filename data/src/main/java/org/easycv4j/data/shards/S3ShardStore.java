package org.easycv4j.data.shards;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Shards in S3 or an S3-compatible store (MinIO, Ceph, OSS's S3 API) through the AWS SDK: region and credentials
 * from the usual AWS settings (environment, system properties, {@code ~/.aws} profiles, instance roles) unless
 * the config names a profile; {@code endpoint} for a store other than AWS (path-style addressing then).
 */
final class S3ShardStore implements ShardStore {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private final S3Client s3;
    private final String where;

    /** Client settings: every value optional ({@code anonymous} for public buckets). */
    record Settings(Optional<String> endpoint, Optional<String> region, Optional<String> profile, boolean anonymous,
            java.time.Duration timeout) {}

    S3ShardStore(Settings s) {
        S3ClientBuilder b = S3Client.builder()
                // checksum headers only where S3 requires them: S3-compatible stores refuse the newer ones (501)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(s.timeout())
                        .socketTimeout(s.timeout()))
                // the reader retries and resumes byte ranges itself; the SDK's own retries would multiply them
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()));
        AwsCredentialsProvider creds;
        if (s.anonymous()) {
            creds = AnonymousCredentialsProvider.create();
        } else if (s.profile().isPresent()) {
            creds = ProfileCredentialsProvider.builder().profileName(s.profile().get()).build();
        } else {
            creds = DefaultCredentialsProvider.builder().build();
        }
        b.credentialsProvider(creds);
        if (s.endpoint().isPresent()) {
            b.endpointOverride(URI.create(s.endpoint().get())).forcePathStyle(true);
        }
        b.region(s.region().map(Region::of).orElseGet(() -> defaultRegion(s.endpoint().isPresent())));
        this.s3 = b.build();
        this.where = s.endpoint().map(e -> " at " + e).orElse("");
    }

    private static Region defaultRegion(boolean customEndpoint) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (customEndpoint) {
                // S3-compatible stores take any region in the signature
                return Region.US_EAST_1;
            }
            throw new IllegalArgumentException("no AWS region: set region in the source, AWS_REGION, or a profile's "
                    + "region");
        }
    }

    @Override
    public Opened open(ShardUrls.Location shard, long offset) throws IOException {
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(shard.bucket()).key(shard.key());
        if (offset > 0) {
            req.range("bytes=" + offset + "-");
        }
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(req.build());
            GetObjectResponse r = in.response();
            long size = r.contentLength() == null ? -1 : r.contentLength() + offset;
            if (r.contentRange() != null) {
                Matcher m = CONTENT_RANGE.matcher(r.contentRange());
                if (m.matches() && !m.group(3).equals("*")) {
                    size = Long.parseLong(m.group(3));
                }
            }
            return new Opened(in, size);
        } catch (SdkException e) {
            throw fault(shard.toString(), e);
        }
    }

    private ShardException fault(String what, SdkException e) {
        return fault(what, e, false);
    }

    /** @param bucket {@code what} is the bucket itself (HeadBucket): a 404 then means no such bucket */
    private ShardException fault(String what, SdkException e, boolean bucket) {
        if (e instanceof S3Exception s) {
            int code = s.statusCode();
            String error = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? ""
                    : s.awsErrorDetails().errorCode();
            if ("NoSuchBucket".equals(error) || (bucket && code == 404)) {
                return new ShardException(what + ": no such bucket" + where, false, e);
            }
            if (code == 404) {
                return new ShardException("shard not found: " + what + where, false, e);
            }
            if (code == 401 || code == 403) {
                return new ShardException(what + ": access refused" + where + " (" + (error.isEmpty() ? "HTTP " + code
                        : error) + "); check the AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, "
                        + "AWS_PROFILE or the source's profile)", false, e);
            }
            return new ShardException(what + ": " + (error.isEmpty() ? "HTTP " + code : error) + where,
                    code >= 500 || code == 429 || code == 408, e);
        }
        if (e instanceof SdkClientException && e.getMessage() != null && e.getMessage().contains("credentials")) {
            return new ShardException(what + ": " + e.getMessage(), false, e);
        }
        return new ShardException(what + ": " + e.getMessage() + where, true, e);
    }

    @Override
    public void checkAll(List<ShardUrls.Location> shards) throws IOException {
        Set<String> buckets = new HashSet<>();
        for (ShardUrls.Location s : shards) {
            if (buckets.add(s.bucket())) {
                try {
                    s3.headBucket(HeadBucketRequest.builder().bucket(s.bucket()).build());
                } catch (SdkException e) {
                    throw fault("s3://" + s.bucket(), e, true);
                }
            }
        }
        // one listing per bucket and common prefix instead of one request per shard
        List<ShardUrls.Location> missing = new ArrayList<>();
        for (String bucket : buckets) {
            List<ShardUrls.Location> mine = shards.stream().filter(s -> s.bucket().equals(bucket)).toList();
            String prefix = commonPrefix(mine.stream().map(ShardUrls.Location::key).toList());
            Set<String> keys = new HashSet<>();
            try {
                for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
                        .build()).contents()) {
                    keys.add(o.key());
                }
            } catch (SdkException e) {
                throw fault("s3://" + bucket + "/" + prefix, e);
            }
            for (ShardUrls.Location s : mine) {
                if (!keys.contains(s.key())) {
                    missing.add(s);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw ShardStore.missing(missing, shards.size());
        }
    }

    static String commonPrefix(List<String> keys) {
        String p = keys.get(0);
        for (String k : keys) {
            int n = 0;
            while (n < p.length() && n < k.length() && p.charAt(n) == k.charAt(n)) {
                n++;
            }
            p = p.substring(0, n);
        }
        return p;
    }

    @Override
    public Optional<byte[]> readIfExists(ShardUrls.Location object) throws IOException {
        try {
            return Optional.of(s3.getObject(GetObjectRequest.builder().bucket(object.bucket()).key(object.key()).build(),
                    ResponseTransformer.toBytes()).asByteArray());
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(e.awsErrorDetails() == null ? ""
                    : e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw fault(object.toString(), e);
        } catch (SdkException e) {
            throw fault(object.toString(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
