package org.easycv4j.core.runner;

/** Training diverged: too many optimizer steps in a row had non-finite gradients. */
public final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NonFiniteLossException(String message) {
        super(message);
    }
}
