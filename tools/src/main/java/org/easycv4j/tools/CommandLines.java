package org.easycv4j.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of this process, for provenance. */
final class CommandLines {
    private CommandLines() {}

    /** The JVM's own record of the arguments when available, else a reconstruction. */
    static List<String> current(String command, Path config, List<String> sets) {
        List<String> out = new ArrayList<>();
        ProcessHandle.current().info().arguments().ifPresentOrElse(args -> out.addAll(List.of(args)), () -> {
            out.add(command);
            out.add(config.toString());
            sets.forEach(s -> {
                out.add("--set");
                out.add(s);
            });
        });
        return out;
    }
}
