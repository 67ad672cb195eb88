package org.easycv4j.data.shards;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.easycv4j.core.util.AtomicFiles;

/**
 * Writes samples as WebDataset tar shards: each sample is a run of members {@code KEY.EXT} (the encoded image,
 * {@code KEY.cls} with its label), a shard rolls over at a sample count or a byte size, and {@link #close()}
 * writes {@value #INDEX} with the samples per shard. The bytes are the same for the same samples (member times,
 * owners and modes are fixed), and a shard appears under its name only once it is complete.
 */
public final class ShardWriter implements AutoCloseable {
    /** The index file beside the shards. */
    public static final String INDEX = "index.json";
    /** A tar header and the end-of-archive blocks: what a member costs besides its bytes, for the byte limit. */
    private static final long HEADER = 512;
    private static final long END = 1024;
    // WebDataset splits a member's name at the first dot of its base name: a key may hold no dot and no slash.
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_\\-]+");
    private static final Pattern EXT = Pattern.compile("[a-z0-9]+(\\.[a-z0-9]+)*");

    private final Path dir;
    private final String prefix;
    private final long maxCount;
    private final long maxBytes;
    private final List<String> classNames;
    private final int numClasses;
    private final List<JsonObject> shards = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private Path tmp;
    private FileChannel channel;
    private TarArchiveOutputStream tar;
    private long count;
    private long bytes;
    private long total;
    private boolean closed;

    private ShardWriter(Builder b) {
        this.dir = b.dir;
        this.prefix = b.prefix;
        this.maxCount = b.maxCount;
        this.maxBytes = b.maxBytes;
        this.classNames = b.classNames;
        this.numClasses = b.numClasses;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The name of shard {@code i}: {@code PREFIX-000000.tar}, as WebDataset's brace ranges count them. */
    public static String shardName(String prefix, int i) {
        return String.format(Locale.ROOT, "%s-%06d.tar", prefix, i);
    }

    /**
     * Adds one sample: its members by extension, written in the map's order ({@code png} or {@code jpg} first,
     * then {@code cls}, by convention).
     */
    public void write(String key, Map<String, byte[]> members) throws IOException {
        if (closed) {
            throw new IllegalStateException("the shard writer is closed");
        }
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("sample key \"" + key + "\": expected letters, digits, '_' or '-' "
                    + "(WebDataset splits member names at the first dot)");
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("sample " + key + ": no members");
        }
        long size = 0;
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            if (!EXT.matcher(m.getKey()).matches()) {
                throw new IllegalArgumentException("sample " + key + ": member extension \"" + m.getKey()
                        + "\": expected lower-case letters and digits, e.g. png, jpg, cls");
            }
            size += HEADER + padded(m.getValue().length);
        }
        // Only a sample that is written takes its key.
        if (!keys.add(key)) {
            throw new IllegalArgumentException("sample key \"" + key + "\" written twice");
        }
        // A sample never splits: a shard holds at least one, and rolls before a sample that would pass a limit.
        if (tar != null && (count >= maxCount || bytes + size + END > maxBytes)) {
            finishShard();
        }
        if (tar == null) {
            startShard();
        }
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            TarArchiveEntry e = new TarArchiveEntry(key + "." + m.getKey());
            e.setSize(m.getValue().length);
            e.setModTime(0);
            e.setMode(0100644);
            e.setIds(0, 0);
            e.setNames("", "");
            tar.putArchiveEntry(e);
            tar.write(m.getValue());
            tar.closeArchiveEntry();
        }
        count++;
        bytes += size;
        total++;
    }

    /** Samples written so far. */
    public long samples() {
        return total;
    }

    private static long padded(long n) {
        return (n + 511) / 512 * 512;
    }

    private void startShard() throws IOException {
        Files.createDirectories(dir);
        String name = shardName(prefix, shards.size());
        tmp = dir.resolve("." + name + ".partial");
        channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
        // Records of one block: the file ends after the end-of-archive blocks, so the byte limit is exact.
        tar = new TarArchiveOutputStream(out, 512, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        count = 0;
        bytes = 0;
    }

    private void finishShard() throws IOException {
        tar.finish();
        tar.flush();
        channel.force(true);
        tar.close();
        String name = shardName(prefix, shards.size());
        Path target = dir.resolve(name);
        AtomicFiles.moveIntoPlace(tmp, target);
        JsonObject shard = new JsonObject();
        shard.addProperty("name", name);
        shard.addProperty("samples", count);
        shard.addProperty("bytes", Files.size(target));
        shards.add(shard);
        tar = null;
        channel = null;
        tmp = null;
    }

    /** Completes the last shard and writes the index; without a {@code close}, no index and no partial shard. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (tar != null) {
            finishShard();
        }
        JsonObject index = new JsonObject();
        index.addProperty("format", "webdataset");
        index.addProperty("samples", total);
        if (numClasses > 0) {
            index.addProperty("num_classes", numClasses);
        }
        if (!classNames.isEmpty()) {
            JsonArray names = new JsonArray();
            classNames.forEach(names::add);
            index.add("classes", names);
        }
        JsonArray list = new JsonArray();
        shards.forEach(list::add);
        index.add("shards", list);
        AtomicFiles.write(dir.resolve(INDEX), (new GsonBuilder().setPrettyPrinting().create().toJson(index) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Drops the shard being written (a failed conversion): the completed shards stay, no index is written, so the
     * folder does not pass for a finished set.
     */
    public void abort() throws IOException {
        closed = true;
        if (tar != null) {
            try {
                tar.close();
            } finally {
                Files.deleteIfExists(tmp);
                tar = null;
            }
        }
    }

    /** {@code setOutput} is required; {@code optPrefix} (default "shard"), {@code optMaxCount}, {@code optMaxBytes}. */
    public static final class Builder {
        private Path dir;
        private String prefix = "shard";
        private long maxCount = 10_000;
        private long maxBytes = 1L << 30;
        private List<String> classNames = List.of();
        private int numClasses;

        public Builder setOutput(Path dir) {
            this.dir = dir;
            return this;
        }

        public Builder optPrefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** The labels' classes, for the index: their number, and their names where the source knows them. */
        public Builder optClasses(List<String> classNames, int numClasses) {
            this.classNames = List.copyOf(classNames);
            this.numClasses = Math.max(numClasses, classNames.size());
            return this;
        }

        /** Samples per shard at the most. */
        public Builder optMaxCount(long maxCount) {
            this.maxCount = maxCount;
            return this;
        }

        /** Bytes per shard at the most (tar headers and padding included); a larger single sample gets a shard of its own. */
        public Builder optMaxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        public ShardWriter build() {
            if (dir == null) {
                throw new IllegalStateException("setOutput is required");
            }
            if (!KEY.matcher(prefix).matches()) {
                throw new IllegalArgumentException("shard prefix \"" + prefix + "\": expected letters, digits, '_' or '-'");
            }
            if (maxCount < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("shard limits must be at least 1, got " + maxCount + " samples, "
                        + maxBytes + " bytes");
            }
            return new ShardWriter(this);
        }
    }
}
