package org.easycv4j.data.image;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an image file's bytes with errors that say what is wrong with the path. */
public final class ImageFiles {
    /** The reason given for a folder where an image file was expected. */
    public static final String DIRECTORY = "is a directory, not an image file";

    private ImageFiles() {}

    /**
     * The file's bytes. A missing file fails with {@link NoSuchFileException}; a folder with a
     * {@link FileSystemException} whose reason is {@link #DIRECTORY} (the JDK's own error would only say
     * "Is a directory", without the path).
     */
    public static byte[] read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, DIRECTORY);
        }
        return Files.readAllBytes(file);
    }
}
