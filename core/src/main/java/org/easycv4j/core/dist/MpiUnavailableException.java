package org.easycv4j.core.dist;

/** MPI was asked for ({@code --launcher mpi}) but no usable MPI library is installed. */
public final class MpiUnavailableException extends RuntimeException {
    public MpiUnavailableException(String message) {
        super(message);
    }
}
