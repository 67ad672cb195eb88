package org.easycv4j.core.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes files so that a crash never leaves a half-written one: data goes to a temporary file beside the
 * target, is forced to disk, and is then renamed over the target in one step.
 *
 * <p>The temporary files and folders get the permissions of any new file (the process's umask, usually 0644
 * and 0755), not the owner-only 0600 / 0700 of {@link Files#createTempFile}: they become the user's outputs
 * (checkpoints, exports, logs, figures), which others may need to read.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /** A writer of the file's content as a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A writer of the file's content straight to its channel (large binary data). */
    @FunctionalInterface
    public interface ChannelContent {
        void writeTo(FileChannel channel) throws IOException;
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code content} to {@code target} atomically, creating parent folders. */
    public static void write(Path target, Content content) throws IOException {
        writeChannel(target, ch -> {
            // Not closed here: closing the stream would close the channel before it is forced to disk.
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
            content.writeTo(out);
            out.flush();
        });
    }

    /**
     * Renames a complete, forced temporary file over {@code target} (atomically where the file system can), for
     * writers that fill the file over many calls; {@link #write} and {@link #writeChannel} end with it.
     */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes through the temporary file's channel, then forces and renames it over {@code target}. */
    public static void writeChannel(Path target, ChannelContent content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = tempBeside(dir, "." + target.getFileName() + ".", false);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Opens a log for appending (created when absent) without following a symbolic link at its name: a link
     * planted in a work dir must not make a run append to a file outside it. A link is refused by name.
     */
    public static java.io.BufferedWriter openAppend(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw symlink(file);
        }
        try {
            return new java.io.BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.nio.file.FileSystemException e) {
            // ELOOP: the name became a link between the check and the open
            if (Files.isSymbolicLink(file)) {
                throw symlink(file);
            }
            throw e;
        }
    }

    private static IOException symlink(Path file) {
        return new java.nio.file.FileSystemException(file.toString(), null, "is a symbolic link; logs are not "
                + "written through links (remove it, or use another work dir)");
    }

    /**
     * A new, empty folder in {@code parent} named {@code prefix} plus a random part, to be filled and then moved
     * into place (how checkpoint folders appear atomically).
     */
    public static Path tempDirectory(Path parent, String prefix) throws IOException {
        return tempBeside(parent, prefix, true);
    }

    private static Path tempBeside(Path dir, String prefix, boolean folder) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                return folder ? Files.createDirectory(p) : Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }
}
