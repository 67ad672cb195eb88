package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.easycv4j.core.config.ConfigNode;

/**
 * {@code type = ClsSourceImageFolder}: one sub-folder per class, as torchvision's ImageFolder; class index =
 * position of the folder name in sorted order, files found recursively and sorted. Keys: {@code root}
 * (required), {@code extensions} (default jpg, jpeg, png, bmp, ppm, pgm, tif, tiff, webp; case-insensitive),
 * {@code to_rgb} (default true).
 */
public final class ImageFolderSource {
    static final List<String> DEFAULT_EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "ppm", "pgm", "tif", "tiff", "webp");

    public record Settings(Path root, List<String> extensions, boolean toRgb) {
        public static Settings fromConfig(ConfigNode node) {
            node.check(node.has("root"), "root", "missing required key, expected a folder with one sub-folder per class");
            Path root = node.path("root").orElse(Path.of(""));
            List<String> ext = node.strings("extensions", DEFAULT_EXTENSIONS).stream()
                    .map(e -> e.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "")).toList();
            node.check(!ext.isEmpty(), "extensions", "expected at least one file extension");
            return new Settings(root, ext, node.bool("to_rgb", true));
        }
    }

    private ImageFolderSource() {}

    /** Lists the class folders' images. */
    public static DataSource open(Settings s) throws IOException {
        ListFiles.requireDir(s.root(), "root");
        List<Path> classDirs;
        try (Stream<Path> st = Files.list(s.root())) {
            classDirs = st.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new IOException("root: " + s.root().toAbsolutePath() + " has no class sub-folders");
        }
        FileListSource.Builder b = new FileListSource.Builder(true, s.toRgb());
        List<String> names = new ArrayList<>();
        int root = b.addRoot(s.root());
        int list = b.addList(s.root().toString());
        for (int c = 0; c < classDirs.size(); c++) {
            Path dir = classDirs.get(c);
            names.add(dir.getFileName().toString());
            List<Path> files;
            try (Stream<Path> st = Files.walk(dir)) {
                files = st.filter(Files::isRegularFile).filter(p -> hasExtension(p, s.extensions())).sorted().toList();
            }
            for (Path f : files) {
                b.add(root, s.root().relativize(f).toString(), c, list, 0);
            }
        }
        b.classNames(names);
        return b.build();
    }

    static boolean hasExtension(Path p, List<String> extensions) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && extensions.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
