package org.easycv4j.core.dist;

/** NCCL was needed but its library cannot be loaded. */
public final class NcclUnavailableException extends RuntimeException {
    public NcclUnavailableException(String message) {
        super(message);
    }
}
