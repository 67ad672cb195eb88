package org.easycv4j.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;

/**
 * EasyCV's {@code class_list}: the class names in label order, written in the config as a list (as EasyCV's
 * ImageNet configs do) or as a file of one name per line (blank lines and lines starting with '#' skipped).
 * Names must be distinct: EasyCV's {@code dict(zip(class_list, range(n)))} would silently give a repeated
 * name the later index.
 */
public record ClassList(Optional<Path> file, List<String> inline) {
    public ClassList {
        inline = List.copyOf(inline);
    }

    /** The key's class list, empty when it is unset; a bad inline list is a problem at the key. */
    public static Optional<ClassList> fromConfig(ConfigNode node, String key) {
        if (node.isList(key)) {
            List<String> names = node.strings(key, List.of());
            node.check(!names.isEmpty(), key, "expected a non-empty list of class names or a file of them");
            Map<String, Integer> seen = new HashMap<>();
            for (int k = 0; k < names.size(); k++) {
                Integer before = seen.putIfAbsent(names.get(k), k);
                if (before != null) {
                    node.problem(key, "class \"" + names.get(k) + "\" at index " + k + " already named at index "
                            + before);
                    break;
                }
            }
            return Optional.of(new ClassList(Optional.empty(), names));
        }
        return node.path(key).map(p -> new ClassList(Optional.of(p), List.of()));
    }

    /** The names: the inline list, or the file read now ({@code key} names it in errors). */
    public List<String> names(String key) throws IOException {
        return file.isPresent() ? read(file.get(), key) : inline;
    }

    /** Class names, one per line. A repeated name or a file without any is an error naming file and line. */
    public static List<String> read(Path file, String key) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(key + ": " + (Files.exists(file) ? file.toAbsolutePath() + " is not a file"
                    : "file " + file.toAbsolutePath() + " does not exist"));
        }
        List<String> names = new java.util.ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            int n = 0;
            while ((s = r.readLine()) != null) {
                n++;
                String t = s.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                Integer before = seen.putIfAbsent(t, n);
                if (before != null) {
                    throw new IOException(file + ":" + n + ": class \"" + t + "\" already named at line " + before);
                }
                names.add(t);
            }
        }
        if (names.isEmpty()) {
            throw new IOException(key + ": class list " + file + " names no class");
        }
        return names;
    }
}
