package org.easycv4j.data.prepare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageFiles;
import org.easycv4j.data.source.Idx;

/**
 * Writes an IDX set out as image files, so the file-based sources can run on real images:
 * <ul>
 *   <li>layout "list": {@code OUT/images/SPLIT/NNNNN.png}, {@code OUT/SPLIT.txt} ("images/SPLIT/NNNNN.png label",
 *       for ClsSourceImageList with root OUT), {@code OUT/SPLIT_ssl.txt} (paths only, for SSLSourceImageList) and
 *       {@code OUT/classes.txt};</li>
 *   <li>layout "folders": {@code OUT/SPLIT/CLASS/NNNNN.png} (for ClsSourceImageFolder; CLASS is the class name
 *       made file-safe, prefixed by its index so that sorted order is class order).</li>
 * </ul>
 */
public final class IdxExport {
    private IdxExport() {}

    /** Writes one split; returns the number of images written. */
    public static int export(Path images, Path labels, String split, Path out, String format, boolean list,
            boolean folders, List<String> classNames) throws IOException {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("png") && !fmt.equals("jpg")) {
            throw new IllegalArgumentException("format must be png or jpg, got " + format);
        }
        Idx.Images img = Idx.readImages(images);
        byte[] lab = Idx.readLabels(labels);
        if (img.count() != lab.length) {
            throw new IOException(images + " holds " + img.count() + " images but " + labels + " " + lab.length + " labels");
        }
        Files.createDirectories(out);
        StringBuilder clsList = new StringBuilder();
        StringBuilder sslList = new StringBuilder();
        Progress progress = new Progress("writing " + split + " images", img.count());
        for (int i = 0; i < img.count(); i++) {
            int label = lab[i] & 0xFF;
            byte[] encoded = encode(img, i, fmt);
            String name = String.format("%05d.%s", i, fmt);
            if (list) {
                String rel = "images/" + split + "/" + name;
                write(out.resolve(rel), encoded);
                clsList.append(rel).append(' ').append(label).append('\n');
                sslList.append(rel).append('\n');
            }
            if (folders) {
                write(out.resolve(split).resolve(folderName(label, classNames)).resolve(name), encoded);
            }
            progress.step();
        }
        progress.finish();
        if (list) {
            Files.writeString(out.resolve(split + ".txt"), clsList, StandardCharsets.UTF_8);
            Files.writeString(out.resolve(split + "_ssl.txt"), sslList, StandardCharsets.UTF_8);
            if (!classNames.isEmpty()) {
                Files.writeString(out.resolve("classes.txt"), String.join("\n", classNames) + "\n", StandardCharsets.UTF_8);
            }
        }
        return img.count();
    }

    static String folderName(int label, List<String> classNames) {
        String name = label < classNames.size() ? classNames.get(label).replaceAll("[^A-Za-z0-9._-]+", "_") : "";
        return String.format("%02d", label) + (name.isEmpty() ? "" : "_" + name);
    }

    private static byte[] encode(Idx.Images img, int i, String fmt) throws IOException {
        int n = img.rows() * img.cols();
        return ImageFiles.encode(new ByteImage(img.cols(), img.rows(), 1,
                Arrays.copyOfRange(img.pixels(), i * n, (i + 1) * n)), fmt);
    }

    private static void write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }
}
