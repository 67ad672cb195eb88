package org.easycv4j.data.shards;

import java.io.IOException;

/** A shard that could not be read, with the URL in the message, and what kind of fault it was. */
public final class ShardException extends IOException {

    /** What a reader does about it. */
    public enum Fault {
        /** Trying again may succeed: a dropped connection, a 5xx answer, a timeout. */
        TRANSIENT,
        /** It will not: a missing shard, refused credentials, retries used up. The run stops. */
        PERMANENT,
        /** The shard's bytes are bad (truncated, a corrupt header): its unreadable samples are bad samples. */
        DAMAGED
    }

    private final Fault fault;

    public ShardException(String message, Fault fault) {
        super(message);
        this.fault = fault;
    }

    public ShardException(String message, Fault fault, Throwable cause) {
        super(message, cause);
        this.fault = fault;
    }

    /** Shorthand for the stores: {@code transientFault} picks TRANSIENT, else PERMANENT. */
    ShardException(String message, boolean transientFault) {
        this(message, transientFault ? Fault.TRANSIENT : Fault.PERMANENT);
    }

    ShardException(String message, boolean transientFault, Throwable cause) {
        this(message, transientFault ? Fault.TRANSIENT : Fault.PERMANENT, cause);
    }

    public Fault fault() {
        return fault;
    }

    public boolean transientFault() {
        return fault == Fault.TRANSIENT;
    }
}
