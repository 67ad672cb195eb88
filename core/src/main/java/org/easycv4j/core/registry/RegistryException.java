package org.easycv4j.core.registry;

/** The registries could not be set up: a duplicate name, a module that cannot be loaded, ... */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryException(String message) {
        super(message);
    }
}
