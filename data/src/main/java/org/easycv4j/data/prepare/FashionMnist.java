package org.easycv4j.data.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.easycv4j.data.source.Idx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fashion-MNIST (Zalando Research, MIT licence): the four gzipped IDX files, taken from the Debian package
 * {@code dataset-fashion-mnist} when it is installed, otherwise downloaded from the project's GitHub
 * repository. Every file is checked by parsing it (60,000 / 10,000 28x28 images with labels 0..9).
 */
public final class FashionMnist {
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnist.class);

    /** Where the Debian package installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The official download location. */
    public static final String DOWNLOAD_BASE = "https://raw.githubusercontent.com/zalando-research/fashion-mnist/master/data/fashion/";
    public static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    private FashionMnist() {}

    /**
     * Puts the full set into {@code out}, copying from {@code localDir} when it holds all four files, else
     * downloading. Files already present and valid in {@code out} are kept.
     */
    public static void fetch(Path out, Path localDir, String downloadBase) throws IOException {
        Files.createDirectories(out);
        boolean local = FILES.stream().allMatch(f -> Files.isRegularFile(localDir.resolve(f)));
        for (String f : FILES) {
            Path target = out.resolve(f);
            if (Files.isRegularFile(target) && valid(target)) {
                LOG.info("{} already present", target);
                continue;
            }
            if (local) {
                LOG.info("copying {} from {}", f, localDir);
                Files.copy(localDir.resolve(f), target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                download(URI.create(downloadBase + f), target);
            }
            if (!valid(target)) {
                throw new IOException(target + " is not a valid Fashion-MNIST IDX file");
            }
        }
        LOG.info("Fashion-MNIST ready in {}", out);
    }

    static boolean valid(Path file) {
        try {
            if (file.getFileName().toString().contains("images")) {
                Idx.Images img = Idx.readImages(file);
                return img.rows() == 28 && img.cols() == 28 && (img.count() == 60000 || img.count() == 10000);
            }
            byte[] labels = Idx.readLabels(file);
            for (byte b : labels) {
                if (b < 0 || b > 9) {
                    return false;
                }
            }
            return labels.length == 60000 || labels.length == 10000;
        } catch (IOException e) {
            return false;
        }
    }

    private static void download(URI uri, Path target) throws IOException {
        LOG.info("downloading {}", uri);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IOException("HTTP " + r.statusCode());
            }
            try (InputStream in = r.body()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | InterruptedException e) {
            Files.deleteIfExists(part);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("could not download " + uri + ": " + describe(e) + ". Without network, install the"
                    + " Debian package dataset-fashion-mnist (files in " + DEBIAN_DIR + ") or copy the four files "
                    + FILES + " into " + target.getParent() + " by hand", e);
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    /**
     * Writes a class-balanced subset: the first {@code perClass} images of each class, in their original
     * order, under the standard file names (gzipped).
     */
    public static void subset(Path images, Path labels, int perClass, Path outImages, Path outLabels) throws IOException {
        Idx.Images img = Idx.readImages(images);
        byte[] lab = Idx.readLabels(labels);
        int classes = 0;
        for (byte b : lab) {
            classes = Math.max(classes, (b & 0xFF) + 1);
        }
        int[] taken = new int[classes];
        int plane = img.rows() * img.cols();
        int total = perClass * classes;
        byte[] px = new byte[total * plane];
        byte[] outLab = new byte[total];
        int n = 0;
        for (int i = 0; i < lab.length && n < total; i++) {
            int c = lab[i] & 0xFF;
            if (taken[c] < perClass) {
                taken[c]++;
                System.arraycopy(img.pixels(), i * plane, px, n * plane, plane);
                outLab[n++] = lab[i];
            }
        }
        if (n < total) {
            throw new IOException(images + " has fewer than " + perClass + " images of some class");
        }
        Idx.writeImages(outImages, new Idx.Images(total, img.rows(), img.cols(), px));
        Idx.writeLabels(outLabels, outLab);
    }
}
