package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.ClassList;

/**
 * {@code type = ClsSourceImageList}: lines {@code relative/path label}. Keys: {@code list_file} (path or
 * list), {@code root} (path or list, default ""), {@code delimeter} (EasyCV's spelling; default " ", meaning
 * any whitespace), {@code class_list} (optional: the class names as a list, as EasyCV's configs write them, or a
 * file of one per line; labels may then be names, and integer labels are range-checked), {@code to_rgb} (default true).
 */
public final class ClsImageListSource {

    public record Settings(List<Path> listFiles, List<Path> roots, String delimiter, Optional<ClassList> classList,
            boolean toRgb) {
        public static Settings fromConfig(ConfigNode node) {
            node.check(node.has("list_file"), "list_file", "missing required key, expected a path or a list of paths");
            List<Path> lists = SslImageListSource.paths(node.stringOrList("list_file", List.of()));
            List<Path> roots = SslImageListSource.paths(node.stringOrList("root", List.of("")));
            SslImageListSource.checkRoots(node, lists, roots);
            String delimiter = node.string("delimeter", " ");
            node.check(!delimiter.isEmpty(), "delimeter", "expected a non-empty delimiter");
            return new Settings(lists, roots, delimiter, ClassList.fromConfig(node, "class_list"), node.bool("to_rgb", true));
        }
    }

    private ClsImageListSource() {}

    /** Reads the labelled list files; a missing file or folder fails naming its key. */
    public static DataSource open(Settings s) throws IOException {
        FileListSource.Builder b = new FileListSource.Builder(true, s.toRgb());
        Map<String, Integer> classIndex = null;
        int numClasses = 0;
        if (s.classList().isPresent()) {
            List<String> names = s.classList().get().names("class_list");
            b.classNames(names);
            classIndex = index(names);
            numClasses = names.size();
        }
        for (int i = 0; i < s.listFiles().size(); i++) {
            Path root = SslImageListSource.rootFor(s.roots(), i);
            if (!root.toString().isEmpty()) {
                ListFiles.requireDir(root, "root");
            }
            ListFiles.readLabelled(s.listFiles().get(i), "list_file", b.addRoot(root), b, s.delimiter(), classIndex,
                    numClasses);
        }
        return b.build();
    }

    static Map<String, Integer> index(List<String> names) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), i);
        }
        return m;
    }
}
