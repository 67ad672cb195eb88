package org.easycv4j.core.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A checkpoint folder could not be written: which file of it, where, and on a full disk how much the checkpoint
 * needs against what its file system has free. The half-written folder is gone when it is thrown; what remains
 * is for the caller to say (it knows the run's checkpoints).
 */
public final class CheckpointWriteException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Path target;
    private final String file;
    private final long bytesNeeded;
    private final long bytesFree;
    private final boolean diskFull;

    /**
     * @param target the checkpoint folder being written
     * @param file the file of it being written when the write failed
     * @param bytesNeeded what the whole checkpoint takes (its tensors and state)
     * @param bytesFree what the file system had free after the failure (temporary folder removed); -1 unknown
     */
    CheckpointWriteException(Path target, String file, long bytesNeeded, long bytesFree, IOException cause) {
        super(message(target, file, bytesNeeded, bytesFree, cause), cause);
        this.target = target;
        this.file = file;
        this.bytesNeeded = bytesNeeded;
        this.bytesFree = bytesFree;
        this.diskFull = isDiskFull(cause, bytesNeeded, bytesFree);
    }

    public Path target() {
        return target;
    }

    public String file() {
        return file;
    }

    public long bytesNeeded() {
        return bytesNeeded;
    }

    public long bytesFree() {
        return bytesFree;
    }

    public boolean diskFull() {
        return diskFull;
    }

    /** ENOSPC's text (Java gives no error code), or less free than the checkpoint needs. */
    static boolean isDiskFull(IOException cause, long needed, long free) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return free >= 0 && free < needed;
    }

    private static String message(Path target, String file, long needed, long free, IOException cause) {
        String where = "cannot write " + file + " of checkpoint " + target;
        if (!isDiskFull(cause, needed, free)) {
            return where + ": " + reason(cause);
        }
        return where + ": no space left on the device (the checkpoint needs " + size(needed) + ", "
                + (free < 0 ? "free space unknown" : size(free) + " free") + " in " + target.toAbsolutePath()
                        .getParent() + ")";
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Bytes in binary units with the exact count, e.g. "1.21 GiB (1,300,000,000 bytes)". */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String exact = String.format(Locale.ROOT, "%,d bytes", bytes);
        return u == 0 ? exact : String.format(Locale.ROOT, "%.2f %s (%s)", v, units[u], exact);
    }
}
