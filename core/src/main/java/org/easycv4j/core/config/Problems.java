package org.easycv4j.core.config;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Collects configuration problems so that all of them are reported together, not only the first. */
public final class Problems {
    private final List<ConfigProblem> problems = new ArrayList<>();

    public void add(ConfigProblem problem) {
        if (!problems.contains(problem)) {
            problems.add(problem);
        }
    }

    public void add(String path, ConfigOrigin origin, String message) {
        add(ConfigProblem.at(path, origin, message));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<ConfigProblem> list() {
        return Collections.unmodifiableList(problems);
    }

    /** The problems ordered by file and line, so that a report reads top to bottom like the config. */
    public List<ConfigProblem> sorted() {
        List<ConfigProblem> out = new ArrayList<>(problems);
        out.sort(Comparator.comparing((ConfigProblem p) -> fileOf(p.location()))
                .thenComparingInt(p -> lineOf(p.location())));
        return out;
    }

    private static String fileOf(String location) {
        int colon = location.lastIndexOf(':');
        return colon > 0 && lineOf(location) >= 0 ? location.substring(0, colon) : location;
    }

    private static int lineOf(String location) {
        int colon = location.lastIndexOf(':');
        try {
            return colon > 0 ? Integer.parseInt(location.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Throws a {@link ConfigValidationException} listing every problem, if there are any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigValidationException(sorted());
        }
    }
}
