package org.easycv4j.core.config;

/** A component could not be built from valid settings (a missing file, an unreadable list, ...). */
public final class ComponentBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ComponentBuildException(String message, Throwable cause) {
        super(message, cause);
    }

    public ComponentBuildException(String message) {
        super(message);
    }
}
