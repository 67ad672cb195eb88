package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.ListLines;
import org.easycv4j.data.sample.Sample;

/**
 * {@code type = SSLSourceImageList}: unlabelled images listed one relative path per line. As in EasyCV, a
 * labelled list ({@code path label}, e.g. ImageNet's {@code meta/train.txt}) may be used: the label is ignored.
 * Keys: {@code list_file} (path or list), {@code root} (path or list: one for all list files, or one per
 * list file; default ""), {@code max_data_num} (keep the first N entries; 0 = all), {@code to_rgb}
 * (default true: grey images become 3-channel, as EasyCV loads everything as RGB).
 */
public final class SslImageListSource {

    public record Settings(List<Path> listFiles, List<Path> roots, int maxDataNum, boolean toRgb) {
        public static Settings fromConfig(ConfigNode node) {
            List<Path> lists = paths(node.stringOrList("list_file", List.of()));
            node.check(node.has("list_file"), "list_file", "missing required key, expected a path or a list of paths");
            node.check(!lists.isEmpty() || !node.has("list_file"), "list_file", "expected at least one list file");
            List<Path> roots = paths(node.stringOrList("root", List.of("")));
            checkRoots(node, lists, roots);
            int max = node.integerAtLeast("max_data_num", 0, 0);
            return new Settings(lists, roots, max, node.bool("to_rgb", true));
        }
    }

    static List<Path> paths(List<String> s) {
        return s.stream().map(Paths::get).toList();
    }

    static void checkRoots(ConfigNode node, List<Path> lists, List<Path> roots) {
        node.check(roots.size() == 1 || roots.size() == lists.size(), "root",
                "expected one root, or one per list file (" + lists.size() + "), got " + roots.size());
    }

    static Path rootFor(List<Path> roots, int i) {
        return roots.size() == 1 ? roots.get(0) : roots.get(i);
    }

    /** The path of a line; a trailing integer label ("path 17", as in ImageNet's meta/train.txt) is dropped. */
    static String pathOf(String line) {
        int cut = -1;
        for (int i = line.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(line.charAt(i))) {
                cut = i;
                break;
            }
        }
        if (cut > 0 && line.substring(cut + 1).matches("-?\\d+")) {
            return line.substring(0, cut).strip();
        }
        return line;
    }

    private SslImageListSource() {}

    /** Reads the list files; a missing file or folder fails naming its key. */
    public static DataSource open(Settings s) throws IOException {
        FileListSource.Builder b = new FileListSource.Builder(false, s.toRgb());
        for (int i = 0; i < s.listFiles().size(); i++) {
            Path root = rootFor(s.roots(), i);
            if (!root.toString().isEmpty()) {
                ListFiles.requireDir(root, "root");
            }
            int r = b.addRoot(root);
            Path listFile = s.listFiles().get(i);
            int list = b.addList(listFile.toString());
            for (ListLines.Line l : ListLines.read(listFile, "list_file")) {
                if (s.maxDataNum() > 0 && b.size() >= s.maxDataNum()) {
                    break;
                }
                b.add(r, pathOf(l.text()), Sample.NO_LABEL, list, l.number());
            }
        }
        return b.build();
    }
}
