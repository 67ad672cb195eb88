package org.easycv4j.data.shards;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.source.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type = WebDatasetSource}: samples in WebDataset tar shards, for the unlabelled MAE source and the
 * classification source alike. Keys: {@code urls} (a string or a list; brace ranges such as
 * {@code shard-{000000..000146}.tar}; local paths, {@code file:}, {@code http(s)://}, {@code s3://bucket/key}),
 * {@code index} (the {@code index.json} tools/make-shards writes, with the samples per shard; default: beside the
 * first shard), {@code num_classes}, {@code image_keys}, {@code label_key}, {@code shuffle_buffer},
 * {@code streams}, {@code to_rgb}, for S3 {@code endpoint}, {@code region}, {@code profile}, {@code anonymous},
 * and for remote reads {@code retries}, {@code retry_backoff}, {@code timeout}. The epoch's order:
 * {@link ShardPlan}; reading: {@link EpochReader}.
 */
public final class WebDatasetSource {
    static final Logger LOG = LoggerFactory.getLogger(WebDatasetSource.class);
    private static final List<String> IMAGE_KEYS = List.of("jpg", "jpeg", "png", "webp", "bmp", "ppm", "pgm", "pnm",
            "tif", "tiff", "gif");

    /** The source's settings; see the class comment for the keys. */
    public record Settings(List<String> urls, Optional<String> index, int numClasses, List<String> imageKeys,
            String labelKey, int shuffleBuffer, int streams, boolean toRgb, Optional<String> endpoint,
            Optional<String> region, Optional<String> profile, boolean anonymous, int retries, double retryBackoff,
            double timeout) {

        public static Settings fromConfig(ConfigNode node) {
            node.check(node.has("urls"), "urls", "missing required key, expected a shard URL or a list of them "
                    + "(brace ranges like shard-{000000..000146}.tar)");
            List<String> urls = node.stringOrList("urls", List.of());
            node.check(!urls.isEmpty() || !node.has("urls"), "urls", "expected at least one shard URL");
            for (String u : urls) {
                try {
                    ShardUrls.expand(u).forEach(ShardUrls::parse);
                } catch (IllegalArgumentException e) {
                    node.problem("urls", e.getMessage());
                }
            }
            Optional<String> index = node.has("index") ? Optional.of(node.string("index")) : Optional.empty();
            int numClasses = node.integerAtLeast("num_classes", 0, 0);
            List<String> imageKeys = node.strings("image_keys", IMAGE_KEYS).stream()
                    .map(s -> s.toLowerCase(Locale.ROOT)).toList();
            node.check(!imageKeys.isEmpty(), "image_keys", "expected at least one member extension, e.g. [jpg, png]");
            String labelKey = node.string("label_key", "cls");
            int shuffle = node.integerAtLeast("shuffle_buffer", 1000, 1);
            int streams = node.integerAtLeast("streams", 8, 1);
            boolean toRgb = node.bool("to_rgb", true);
            Optional<String> endpoint = node.has("endpoint") ? Optional.of(node.string("endpoint")) : Optional.empty();
            Optional<String> region = node.has("region") ? Optional.of(node.string("region")) : Optional.empty();
            Optional<String> profile = node.has("profile") ? Optional.of(node.string("profile")) : Optional.empty();
            boolean anonymous = node.bool("anonymous", false);
            int retries = node.integerAtLeast("retries", 5, 0);
            double backoff = node.numberIn("retry_backoff", 1.0, 0, 600);
            double timeout = node.numberIn("timeout", 60, 0.1, 3600);
            return new Settings(urls, index, numClasses, imageKeys, labelKey, shuffle, streams, toRgb, endpoint,
                    region, profile, anonymous, retries, backoff, timeout);
        }

        long backoffMillis() {
            return Math.round(retryBackoff * 1000);
        }
    }

    /** Opens the shards: checks that each exists and the store accepts the credentials, reads the index. */
    public static DataSource open(Settings s) throws IOException {
        List<ShardUrls.Location> shards = ShardUrls.expand(s.urls()).stream().map(ShardUrls::parse).toList();
        Set<ShardUrls.Scheme> schemes = EnumSet.noneOf(ShardUrls.Scheme.class);
        shards.forEach(l -> schemes.add(l.scheme()));
        if (schemes.size() > 1) {
            throw new IOException("urls: all shards must live in one kind of place (got " + schemes + ")");
        }
        ShardStore store = store(shards.get(0).scheme(), s);
        store.checkAll(shards);
        ShardUrls.Location indexAt = s.index().map(ShardUrls::parse).orElseGet(() -> shards.get(0)
                .sibling(ShardWriter.INDEX));
        Optional<byte[]> bytes;
        if (indexAt.scheme() == shards.get(0).scheme()) {
            bytes = store.readIfExists(indexAt);
        } else {
            try (ShardStore elsewhere = store(indexAt.scheme(), s)) {
                bytes = elsewhere.readIfExists(indexAt);
            }
        }
        int[] counts;
        List<String> classNames = List.of();
        int numClasses = s.numClasses();
        if (bytes.isPresent()) {
            Index idx = Index.parse(bytes.get(), indexAt.url());
            counts = new int[shards.size()];
            for (int i = 0; i < shards.size(); i++) {
                Integer c = idx.counts().get(shards.get(i).name());
                if (c == null) {
                    throw new IOException(indexAt + " does not list shard " + shards.get(i).name() + " (of " + shards.get(i)
                            + "); rewrite the shards' index or point index at the right one");
                }
                counts[i] = c;
            }
            classNames = idx.classNames();
            if (numClasses == 0) {
                numClasses = idx.numClasses();
            }
        } else if (s.index().isPresent()) {
            throw new IOException("index: " + indexAt + " not found");
        } else if (shards.get(0).scheme() == ShardUrls.Scheme.FILE) {
            LOG.info("no {} beside the shards: counting their samples", ShardWriter.INDEX);
            counts = countLocal(shards, store, s);
        } else {
            throw new IOException("no " + ShardWriter.INDEX + " at " + indexAt + ": the samples per shard are needed to "
                    + "plan an epoch; tools/make-shards writes it, or set index to where it is");
        }
        ShardPlan plan = new ShardPlan(counts, s.streams(), s.shuffleBuffer());
        if (plan.total() == 0) {
            throw new IOException("urls: the " + shards.size() + " shards hold no samples");
        }
        return new ShardSource(shards, store, plan, s, classNames, numClasses);
    }

    private static int[] countLocal(List<ShardUrls.Location> shards, ShardStore store, Settings s) throws IOException {
        int[] counts = new int[shards.size()];
        for (int i = 0; i < shards.size(); i++) {
            try (TarSamples tar = new TarSamples(new ResumingInputStream(store, shards.get(i), 0, 0, 0, LOG::warn),
                    shards.get(i).url())) {
                while (tar.next(false) != null) {
                    counts[i]++;
                }
            }
        }
        return counts;
    }

    static ShardStore store(ShardUrls.Scheme scheme, Settings s) {
        Duration timeout = Duration.ofMillis(Math.round(s.timeout() * 1000));
        return switch (scheme) {
            case FILE -> new LocalShardStore();
            case HTTP -> new HttpShardStore(timeout);
            case S3 -> new S3ShardStore(new S3ShardStore.Settings(s.endpoint(), s.region(), s.profile(), s.anonymous(),
                    timeout));
        };
    }

    /** What {@code index.json} says: samples per shard name, and the classes where known. */
    record Index(Map<String, Integer> counts, List<String> classNames, int numClasses) {
        static Index parse(byte[] bytes, String where) throws IOException {
            try {
                JsonObject o = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
                Map<String, Integer> counts = new HashMap<>();
                JsonArray shards = o.getAsJsonArray("shards");
                if (shards == null) {
                    throw new IOException(where + ": expected a \"shards\" list (as tools/make-shards writes)");
                }
                for (JsonElement e : shards) {
                    JsonObject sh = e.getAsJsonObject();
                    counts.put(sh.get("name").getAsString(), sh.get("samples").getAsInt());
                }
                List<String> names = new ArrayList<>();
                if (o.has("classes")) {
                    o.getAsJsonArray("classes").forEach(c -> names.add(c.getAsString()));
                }
                int n = o.has("num_classes") ? o.get("num_classes").getAsInt() : names.size();
                return new Index(counts, names, Math.max(n, names.size()));
            } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                    | NullPointerException | ClassCastException e) {
                throw new IOException(where + ": not a shard index (" + e.getMessage() + ")");
            }
        }
    }
}
