package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.ListLines;

/**
 * {@code type = ClsSourceImageNet1k}: EasyCV's ImageNet source. Keys, as EasyCV's: {@code root} and
 * {@code split} ("train" or "test"). The list is {@code ROOT/meta/train.txt} (train) or {@code ROOT/meta/val.txt}
 * (test): one image path per line, relative to {@code ROOT}, whose second component is the class key
 * ({@code train/n01440764/n01440764_10026.JPEG}). {@code ROOT/meta/label_name.txt} maps keys to labels, one
 * {@code key label name} line per class ({@code n01440764 0 tench}). A path without a second component or
 * with an unknown key is reported as a bad list line; a path-and-label list belongs to
 * {@code ClsSourceImageList}.
 */
public final class ImageNetSource {

    public record Settings(Path root, String split) {
        public static Settings fromConfig(ConfigNode node) {
            node.check(node.has("root"), "root", "missing required key, expected the ImageNet folder (holding meta/)");
            Path root = node.path("root").orElse(Path.of(""));
            String split = node.choice("split", "train", List.of("train", "test"));
            return new Settings(root, split);
        }
    }

    /** A class of {@code label_name.txt}. */
    record LabelName(int label, String name) {}

    private ImageNetSource() {}

    /** Reads the split's list under ROOT/meta. */
    public static DataSource open(Settings s) throws IOException {
        ListFiles.requireDir(s.root(), "root");
        Path labelFile = s.root().resolve("meta").resolve("label_name.txt");
        Map<String, LabelName> labels = labelNames(labelFile);
        Path list = s.root().resolve("meta").resolve(s.split().equals("train") ? "train.txt" : "val.txt");
        FileListSource.Builder b = new FileListSource.Builder(true, true);
        b.classNames(classNames(labelFile, labels));
        int root = b.addRoot(s.root());
        int listId = b.addList(list.toString());
        for (ListLines.Line l : ListLines.read(list, "root (meta list of split " + s.split() + ")")) {
            String where = list + ":" + l.number();
            String path = l.text();
            String[] parts = path.split("/");
            if (parts.length < 3) {
                b.problem(where, "\"" + path + "\": expected SPLIT/CLASS_KEY/FILE (the class key is the second "
                        + "component)");
                continue;
            }
            LabelName label = labels.get(parts[1]);
            if (label == null) {
                b.problem(where, "class key \"" + parts[1] + "\" is not in " + labelFile);
                continue;
            }
            b.add(root, path, label.label(), listId, l.number());
        }
        return b.build();
    }

    /** {@code key label name} lines; keys and labels must be unique. */
    static Map<String, LabelName> labelNames(Path file) throws IOException {
        Map<String, LabelName> out = new HashMap<>();
        Map<Integer, String> byLabel = new HashMap<>();
        for (ListLines.Line l : ListLines.read(file, "root (meta/label_name.txt)")) {
            String where = file + ":" + l.number();
            String[] f = l.text().split("\\s+", 3);
            if (f.length < 3) {
                throw new IOException(where + ": expected \"key label name\" (n01440764 0 tench), got \"" + l.text()
                        + "\"");
            }
            int label;
            try {
                label = Integer.parseInt(f[1]);
            } catch (NumberFormatException e) {
                throw new IOException(where + ": label \"" + f[1] + "\" is not an integer");
            }
            if (label < 0) {
                throw new IOException(where + ": label " + label + " is negative");
            }
            if (out.put(f[0], new LabelName(label, f[2])) != null) {
                throw new IOException(where + ": class key \"" + f[0] + "\" is listed twice");
            }
            String before = byLabel.put(label, f[0]);
            if (before != null) {
                throw new IOException(where + ": label " + label + " is already given to \"" + before + "\"");
            }
        }
        return out;
    }

    /** Names in label order; labels must be 0..n-1 so every index has a name. */
    private static List<String> classNames(Path file, Map<String, LabelName> labels) throws IOException {
        TreeMap<Integer, String> byLabel = new TreeMap<>();
        labels.values().forEach(v -> byLabel.put(v.label(), v.name()));
        if (byLabel.isEmpty()) {
            throw new IOException(file + " names no class");
        }
        if (byLabel.lastKey() != byLabel.size() - 1) {
            throw new IOException(file + ": labels must be 0.." + (byLabel.size() - 1) + " for " + byLabel.size()
                    + " classes; the largest is " + byLabel.lastKey());
        }
        return new ArrayList<>(byLabel.values());
    }
}
