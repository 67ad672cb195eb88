package org.easycv4j.core.config;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.Collections;
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

    /** Throws a {@link ConfigValidationException} listing every problem, if there are any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigValidationException(problems);
        }
    }
}
