package org.easycv4j.data.source;

/** One sample could not be read or decoded; the loader skips it and counts it. */
public final class BadSampleException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient BadSample bad;

    public BadSampleException(String where, String reason, Throwable cause) {
        super(where + ": " + reason, cause);
        this.bad = new BadSample(where, reason);
    }

    public BadSampleException(String where, String reason) {
        this(where, reason, null);
    }

    public BadSample bad() {
        return bad;
    }
}
