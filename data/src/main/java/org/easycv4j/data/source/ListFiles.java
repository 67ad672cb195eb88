package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.easycv4j.core.data.ListLines;

/** The data sources' list files: labelled lines, class lists, folders (the lines themselves: {@link ListLines}). */
final class ListFiles {
    private ListFiles() {}

    static void requireDir(Path dir, String key) throws IOException {
        if (!Files.exists(dir)) {
            throw new IOException(key + ": folder " + dir.toAbsolutePath() + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(key + ": " + dir.toAbsolutePath() + " is not a folder");
        }
    }

    /**
     * Parses "relative/path label" lines into the builder. The label is the last field (so paths may
     * contain the delimiter); it is an integer, or a class name when {@code classIndex} is given.
     */
    static void readLabelled(Path listFile, String key, int root, FileListSource.Builder b, String delimiter,
            Map<String, Integer> classIndex, int numClasses) throws IOException {
        int list = b.addList(listFile.toString());
        for (ListLines.Line l : ListLines.read(listFile, key)) {
            String where = listFile + ":" + l.number();
            String text = l.text();
            int cut = delimiter.isBlank() ? lastWhitespace(text) : text.lastIndexOf(delimiter);
            if (cut <= 0) {
                b.problem(where, "malformed line \"" + text + "\": expected \"relative/path label\"");
                continue;
            }
            String path = text.substring(0, cut).strip();
            String labelText = text.substring(cut + (delimiter.isBlank() ? 1 : delimiter.length())).strip();
            int label;
            if (classIndex != null && classIndex.containsKey(labelText)) {
                label = classIndex.get(labelText);
            } else {
                try {
                    label = Integer.parseInt(labelText);
                } catch (NumberFormatException e) {
                    b.problem(where, "label \"" + labelText + "\" is not an integer"
                            + (classIndex == null ? "" : " nor a class of the class list"));
                    continue;
                }
            }
            if (label < 0 || (numClasses > 0 && label >= numClasses)) {
                b.problem(where, "label " + label + " out of range"
                        + (numClasses > 0 ? " [0, " + numClasses + ")" : " (must be >= 0)"));
                continue;
            }
            if (path.isEmpty()) {
                b.problem(where, "malformed line \"" + text + "\": empty path");
                continue;
            }
            b.add(root, path, label, list, l.number());
        }
    }

    private static int lastWhitespace(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
