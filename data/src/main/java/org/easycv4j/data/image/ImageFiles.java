package org.easycv4j.data.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Reads an image file's bytes with errors that say what is wrong with the path; encodes pixels as a file's bytes. */
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

    /**
     * 8-bit grey (one channel) or RGB (three, interleaved) pixels as the bytes of a {@code png} (lossless) or
     * {@code jpg} file.
     */
    public static byte[] encode(ByteImage img, String format) throws IOException {
        if (img.channels() != 1 && img.channels() != 3) {
            throw new IOException("cannot encode " + img.channels() + "-channel pixels: expected grey or RGB");
        }
        BufferedImage b = new BufferedImage(img.width(), img.height(),
                img.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] raster = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
        if (img.channels() == 1) {
            System.arraycopy(img.pixels(), 0, raster, 0, raster.length);
        } else {
            byte[] rgb = img.pixels();
            for (int i = 0; i < raster.length; i += 3) {
                raster[i] = rgb[i + 2];
                raster[i + 1] = rgb[i + 1];
                raster[i + 2] = rgb[i];
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(b, format.equals("jpg") ? "jpeg" : format, bytes)) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return bytes.toByteArray();
    }
}
