package org.easycv4j.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown once a configuration has been checked completely, carrying every problem found. */
public final class ConfigValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public ConfigValidationException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        String header = problems.size() == 1 ? "1 problem in the configuration:" : problems.size() + " problems in the configuration:";
        return problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n", header + "\n", ""));
    }
}
