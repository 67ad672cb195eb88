package org.easycv4j.core.runner;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run per work dir: {@code WORK_DIR/.lock}, held with an OS file lock for as long as the run writes there and
 * naming its holder (host, PID, start time) for the run that is refused.
 *
 * <p>An OS lock and not only the file's existence, because the OS drops the lock of a process that died (killed,
 * out of memory): its file stays behind, but the next run takes the lock, logs whose it was and carries on. The
 * holder's line is written into the locked file itself, so that it is never seen half-written by a reader that
 * could take the lock.
 */
public final class WorkDirLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkDirLock.class);

    /** The lock file's name in the work dir. */
    public static final String FILE = ".lock";

    /**
     * A work dir that belongs to another run (held by it, or holding its checkpoints): nothing of this run may go
     * there, not even the trace of this refusal into that run's log.
     */
    public static final class Refused extends IllegalArgumentException {
        public Refused(String message) {
            super(message);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code workDir}, creating the folder. Refused with one line naming the holder when another
     * live run holds it (another process, or this one: a second run in the same JVM).
     */
    public static WorkDirLock take(Path workDir) throws IOException {
        if (Files.exists(workDir) && !Files.isDirectory(workDir)) {
            throw new IllegalArgumentException("work dir " + workDir + " is a file, not a folder: choose another "
                    + "--work-dir");
        }
        Files.createDirectories(workDir);
        Path file = workDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        String earlier = read(channel).strip();
        if (lock == null) {
            channel.close();
            throw new Refused("work dir " + workDir + " is in use by another run ("
                    + (earlier.isEmpty() ? "holder unknown" : earlier) + "): wait for it to end, or train into a "
                    + "new --work-dir");
        }
        if (!earlier.isEmpty()) {
            // The OS dropped that holder's lock, so it is gone; say whose it was, a crash may need a look.
            LOG.warn("work dir {}: taking over the stale lock of a run that ended without releasing it ({}){}",
                    workDir, earlier, deadHereHint(earlier));
        }
        try {
            byte[] holder = (holder() + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder), 0);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new WorkDirLock(file, channel, lock);
    }

    /** The line that names this process as a holder. */
    public static String holder() {
        return "host " + hostName() + ", pid " + ProcessHandle.current().pid() + ", started "
                + ProcessHandle.current().info().startInstant().orElse(Instant.now());
    }

    /** Where the earlier holder ran on this host, whether its process is still there (a reused PID may be). */
    private static String deadHereHint(String earlier) {
        String host = "host " + hostName() + ", pid ";
        if (!earlier.startsWith(host)) {
            return "";
        }
        String rest = earlier.substring(host.length());
        int end = rest.indexOf(',');
        try {
            long pid = Long.parseLong(end < 0 ? rest : rest.substring(0, end));
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? "" : "; process " + pid + " is no longer running";
        } catch (NumberFormatException e) {
            return "";
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String read(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 4096);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        int n;
        do {
            n = channel.read(buffer, buffer.position());
        } while (n > 0 && buffer.hasRemaining());
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /** Releases the lock and removes its file; a run that dies before this leaves a stale one (taken over). */
    @Override
    public void close() throws IOException {
        try {
            // Deleted while still held, so that no other run takes the lock of a file about to vanish.
            Files.deleteIfExists(file);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
