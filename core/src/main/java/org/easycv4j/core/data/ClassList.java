package org.easycv4j.core.data;

import java.io.IOException;
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
        List<String> names = new java.util.ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ListLines.Line l : ListLines.read(file, key)) {
            Integer before = seen.putIfAbsent(l.text(), l.number());
            if (before != null) {
                throw new IOException(file + ":" + l.number() + ": class \"" + l.text() + "\" already named at line "
                        + before);
            }
            names.add(l.text());
        }
        if (names.isEmpty()) {
            throw new IOException(key + ": class list " + file + " names no class");
        }
        return names;
    }
}
