package org.easycv4j.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading list files (image lists, class lists): one entry per line, blank lines and lines starting with '#'
 * ignored, each kept with its 1-based number for messages that name {@code file:line}.
 */
public final class ListLines {
    private ListLines() {}

    /** One meaningful line of a list file, trimmed. */
    public record Line(int number, String text) {}

    /** The meaningful lines of {@code file}; a missing file or a folder is an error naming {@code key}. */
    public static List<Line> read(Path file, String key) throws IOException {
        requireFile(file, key);
        List<Line> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            int n = 0;
            while ((s = r.readLine()) != null) {
                n++;
                String t = s.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(new Line(n, t));
                }
            }
        }
        return out;
    }

    /** A regular file at {@code file}, else an IOException naming {@code key} and what is there instead. */
    public static void requireFile(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(key + ": file " + file.toAbsolutePath() + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(key + ": " + file.toAbsolutePath() + " is not a file");
        }
    }
}
