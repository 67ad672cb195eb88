package org.easycv4j.data.shards;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shard addresses as WebDataset writes them: brace notation ({@code shard-{000000..000146}.tar}, with the
 * first bound's zero padding, and {@code {a,b}} alternatives; several braces multiply) over local paths,
 * {@code file:}, {@code http(s)://} and {@code s3://bucket/key} URLs.
 */
public final class ShardUrls {
    private ShardUrls() {}

    /** The place a shard lives. */
    public enum Scheme { FILE, HTTP, S3 }

    /**
     * One shard: its URL as the user wrote it (after brace expansion), its scheme and, for FILE, its path, for
     * S3 its bucket and key.
     */
    public record Location(String url, Scheme scheme, Path path, String bucket, String key) {
        /** The last path segment: the name {@code index.json} lists the shard under. */
        public String name() {
            String u = scheme == Scheme.FILE ? path.getFileName().toString() : url;
            int q = u.indexOf('?');
            String s = q >= 0 ? u.substring(0, q) : u;
            return s.substring(s.lastIndexOf('/') + 1);
        }

        /** The location of {@code name} in this shard's folder (or under its prefix). */
        public Location sibling(String name) {
            return switch (scheme) {
                case FILE -> parse(path.resolveSibling(name).toString());
                case S3 -> parse("s3://" + bucket + "/" + (key.contains("/") ? key.substring(0, key.lastIndexOf('/') + 1)
                        : "") + name);
                case HTTP -> parse(URI.create(url).resolve(name).toString());
            };
        }

        @Override
        public String toString() {
            return url;
        }
    }

    /** Expands every pattern, in order; an empty range or an unbalanced brace is an error naming the pattern. */
    public static List<String> expand(List<String> patterns) {
        List<String> out = new ArrayList<>();
        for (String p : patterns) {
            out.addAll(expand(p));
        }
        return out;
    }

    /** One pattern's shards, in the order WebDataset gives them (the leftmost brace varies slowest). */
    public static List<String> expand(String pattern) {
        int open = pattern.indexOf('{');
        int close = pattern.indexOf('}');
        if (open < 0) {
            if (close >= 0) {
                throw new IllegalArgumentException("\"" + pattern + "\": '}' without '{'");
            }
            return List.of(pattern);
        }
        close = pattern.indexOf('}', open);
        if (close < 0 || pattern.substring(open + 1, close).indexOf('{') >= 0) {
            throw new IllegalArgumentException("\"" + pattern + "\": unbalanced brace");
        }
        String head = pattern.substring(0, open);
        String body = pattern.substring(open + 1, close);
        List<String> tails = expand(pattern.substring(close + 1));
        List<String> out = new ArrayList<>();
        for (String choice : choices(pattern, body)) {
            for (String tail : tails) {
                out.add(head + choice + tail);
            }
        }
        return out;
    }

    private static List<String> choices(String pattern, String body) {
        int dots = body.indexOf("..");
        if (dots < 0) {
            if (body.isEmpty()) {
                throw new IllegalArgumentException("\"" + pattern + "\": empty braces");
            }
            return List.of(body.split(",", -1));
        }
        String lo = body.substring(0, dots);
        String hi = body.substring(dots + 2);
        if (!lo.matches("\\d+") || !hi.matches("\\d+")) {
            throw new IllegalArgumentException("\"" + pattern + "\": expected a range of integers like {000000..000146}, got {"
                    + body + "}");
        }
        long a = Long.parseLong(lo);
        long b = Long.parseLong(hi);
        if (b < a) {
            throw new IllegalArgumentException("\"" + pattern + "\": empty range {" + body + "}");
        }
        if (b - a >= 10_000_000) {
            throw new IllegalArgumentException("\"" + pattern + "\": range {" + body + "} names over 10 million shards");
        }
        int width = lo.length();
        List<String> out = new ArrayList<>();
        for (long i = a; i <= b; i++) {
            out.add(String.format(Locale.ROOT, "%0" + width + "d", i));
        }
        return out;
    }

    /** The location of one expanded URL; a path without scheme is a local file (relative to the working folder). */
    public static Location parse(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                URI u = new URI(url);
                if (u.getHost() == null) {
                    throw new IllegalArgumentException("\"" + url + "\": no host");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("\"" + url + "\": not a URL (" + e.getReason() + ")");
            }
            return new Location(url, Scheme.HTTP, null, null, null);
        }
        if (lower.startsWith("s3://")) {
            String rest = url.substring(5);
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new IllegalArgumentException("\"" + url + "\": expected s3://BUCKET/KEY");
            }
            return new Location(url, Scheme.S3, null, rest.substring(0, slash), rest.substring(slash + 1));
        }
        if (lower.startsWith("file:")) {
            return new Location(url, Scheme.FILE, Paths.get(URI.create(url)), null, null);
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("\"" + url + "\": unknown scheme (expected a path, file:, http://, https:// "
                    + "or s3://)");
        }
        return new Location(url, Scheme.FILE, Paths.get(url), null, null);
    }
}
