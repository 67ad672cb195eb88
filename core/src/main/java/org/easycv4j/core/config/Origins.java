package org.easycv4j.core.config;

import com.typesafe.config.ConfigOrigin;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Renders a {@link ConfigOrigin} as a short {@code file:line}. */
public final class Origins {
    private Origins() {}

    /** {@code file:line}, with the file relative to the working directory when it lies below it. */
    public static String describe(ConfigOrigin origin) {
        if (origin == null) {
            return "<unknown>";
        }
        String file = origin.filename();
        if (file == null) {
            URL url = origin.url();
            file = url != null ? url.toString() : null;
        }
        if (file == null) {
            String d = origin.description();
            // Typesafe appends ": 12" to descriptions of non-file origins; keep them as they are.
            return d;
        }
        file = relativize(file);
        return origin.lineNumber() > 0 ? file + ":" + origin.lineNumber() : file;
    }

    private static String relativize(String file) {
        try {
            Path p = Paths.get(file).toAbsolutePath().normalize();
            Path cwd = Paths.get("").toAbsolutePath().normalize();
            return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
        } catch (RuntimeException e) {
            return file;
        }
    }
}
