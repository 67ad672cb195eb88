package org.easycv4j.data.source;

/** More bad samples than {@code max_bad_samples} allows: the run stops with a summary. */
public final class TooManyBadSamplesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TooManyBadSamplesException(String message) {
        super(message);
    }
}
