package org.easycv4j.core.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Test resources as files (Typesafe Config reports their file:line). */
public final class Fixtures {
    private Fixtures() {}

    public static Path config(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no test config " + name, e);
        }
    }
}
