package org.easycv4j.data.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.easycv4j.data.image.ImageFormats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries as stored (what a shard converter copies): the file's own bytes, the format its bytes have. */
class StoredEntryTest {

    private static byte[] encode(String format, int type) throws Exception {
        BufferedImage img = new BufferedImage(5, 4, type);
        img.setRGB(1, 2, 0x336699);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), format);
        return out.toByteArray();
    }

    @Test
    void formatsAreNamedFromTheirBytes() throws Exception {
        assertEquals(Optional.of("jpg"), ImageFormats.extension(encode("jpg", BufferedImage.TYPE_INT_RGB)));
        assertEquals(Optional.of("png"), ImageFormats.extension(encode("png", BufferedImage.TYPE_BYTE_GRAY)));
        assertEquals(Optional.of("bmp"), ImageFormats.extension(encode("bmp", BufferedImage.TYPE_INT_RGB)));
        assertEquals(Optional.of("gif"), ImageFormats.extension(encode("gif", BufferedImage.TYPE_INT_RGB)));
        assertEquals(Optional.of("tiff"), ImageFormats.extension(encode("tiff", BufferedImage.TYPE_INT_RGB)));
        assertEquals(Optional.of("pgm"), ImageFormats.extension("P5\n2 2\n255\n\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Optional.of("ppm"), ImageFormats.extension("P6\n1 1\n255\n\0\0\0".getBytes(StandardCharsets.ISO_8859_1)));
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Optional.of("webp"), ImageFormats.extension(webp));
        assertEquals(Optional.empty(), ImageFormats.extension("hello".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ImageFormats.extension(new byte[0]));
    }

    @Test
    void aFileEntryIsItsOwnBytesWithItsLabelAndABadOneNamesTheFile(@TempDir Path dir) throws Exception {
        byte[] png = encode("png", BufferedImage.TYPE_BYTE_GRAY);
        byte[] jpg = encode("jpg", BufferedImage.TYPE_INT_RGB);
        Files.write(dir.resolve("a.png"), png);
        Files.write(dir.resolve("mislabelled.jpg"), png); // a PNG under a JPEG's name
        Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpg, jpg.length / 2));
        Files.write(dir.resolve("text.png"), "not an image".getBytes(StandardCharsets.US_ASCII));
        FileListSource.Builder b = new FileListSource.Builder(true, false);
        int root = b.addRoot(dir);
        int list = b.addList("train.txt");
        b.add(root, "a.png", 3, list, 1);
        b.add(root, "mislabelled.jpg", 4, list, 2);
        b.add(root, "cut.jpg", 5, list, 3);
        b.add(root, "missing.png", 6, list, 4);
        b.add(root, "text.png", 7, list, 5);
        FileListSource source = b.build();

        DataSource.Stored a = source.stored(0).orElseThrow();
        assertArrayEquals(png, a.data());
        assertEquals("png", a.extension());
        assertEquals(3, a.label());
        assertEquals(dir.resolve("a.png").toString(), a.origin());
        assertEquals("png", source.stored(1).orElseThrow().extension(), "named by its bytes, not its file name");

        BadSampleException cut = assertThrows(BadSampleException.class, () -> source.stored(2));
        assertTrue(cut.getMessage().contains("cut.jpg") && cut.getMessage().contains("truncated JPEG"),
                cut.getMessage());
        BadSampleException missing = assertThrows(BadSampleException.class, () -> source.stored(3));
        assertTrue(missing.getMessage().contains("missing.png") && missing.getMessage().contains("train.txt:4"),
                missing.getMessage());
        BadSampleException text = assertThrows(BadSampleException.class, () -> source.stored(4));
        assertTrue(text.getMessage().contains("text.png") && text.getMessage().contains("not an image format"),
                text.getMessage());
    }
}
