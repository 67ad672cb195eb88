package org.easycv4j.data.shards;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The samples of one tar shard, front to back: WebDataset's rule groups consecutive members whose names share
 * the part before the first dot of the base name ({@code dir/n01440764_10026.jpg} and {@code .cls} are one
 * sample, key {@code dir/n01440764_10026}, members {@code jpg} and {@code cls}).
 */
final class TarSamples implements AutoCloseable {
    /** Larger members are a corrupt header rather than an image worth reading. */
    private static final long MAX_MEMBER = 1L << 30;

    /** One sample: its key and its members' bytes by extension (lower case, e.g. {@code jpg}, {@code cls}). */
    record Raw(String key, Map<String, byte[]> members) {}

    private final TarArchiveInputStream tar;
    private final String shard;
    private TarArchiveEntry pending;
    private boolean done;

    TarSamples(InputStream in, String shard) {
        this.tar = new TarArchiveInputStream(new BufferedInputStream(in, 1 << 16));
        this.shard = shard;
    }

    /** The next sample, or null at the end of the shard; a damaged archive is an IOException naming the shard. */
    Raw next(boolean readMembers) throws IOException {
        TarArchiveEntry e = nextFile();
        if (e == null) {
            return null;
        }
        String key = key(e.getName());
        Map<String, byte[]> members = new LinkedHashMap<>();
        while (e != null && key(e.getName()).equals(key)) {
            if (readMembers) {
                members.put(extension(e.getName()), read(e));
            }
            e = nextFile();
        }
        pending = e;
        return new Raw(key, members);
    }

    private TarArchiveEntry nextFile() throws IOException {
        if (pending != null) {
            TarArchiveEntry e = pending;
            pending = null;
            return e;
        }
        if (done) {
            return null;
        }
        try {
            TarArchiveEntry e;
            do {
                e = tar.getNextEntry();
            } while (e != null && !e.isFile());
            if (e == null) {
                done = true;
            }
            return e;
        } catch (IOException | IllegalArgumentException e) {
            throw damaged(e);
        }
    }

    private byte[] read(TarArchiveEntry e) throws IOException {
        if (e.getSize() > MAX_MEMBER) {
            throw new ShardException(shard + ": member " + e.getName() + " claims " + e.getSize()
                    + " bytes (a damaged header?)", ShardException.Fault.DAMAGED);
        }
        try {
            byte[] b = tar.readNBytes((int) e.getSize());
            if (b.length != e.getSize()) {
                throw new ShardException(shard + ": truncated in member " + e.getName() + " (" + b.length + " of "
                        + e.getSize() + " bytes)", ShardException.Fault.DAMAGED);
            }
            return b;
        } catch (ShardException s) {
            throw s;
        } catch (IOException x) {
            throw damaged(x);
        }
    }

    private IOException damaged(Exception e) {
        if (e instanceof ShardException s) {
            return s;
        }
        return new ShardException(shard + ": damaged or truncated tar (" + e.getMessage() + ")",
                ShardException.Fault.DAMAGED, e);
    }

    static String key(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        return dot < 0 ? name : name.substring(0, dot);
    }

    static String extension(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
