package org.easycv4j.core.config;

import com.typesafe.config.ConfigOrigin;

/**
 * One thing wrong with a configuration: the key path, where it was written and what was expected.
 *
 * @param path the full key path, e.g. {@code model.depth}
 * @param location {@code file:line} of the offending value (or of the enclosing object when a key is missing)
 * @param message what was expected
 */
public record ConfigProblem(String path, String location, String message) {

    /** Builds a problem, rendering the origin as {@code file:line}. */
    public static ConfigProblem at(String path, ConfigOrigin origin, String message) {
        return new ConfigProblem(path, Origins.describe(origin), message);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? location + ": " + message : location + ": " + path + ": " + message;
    }
}
