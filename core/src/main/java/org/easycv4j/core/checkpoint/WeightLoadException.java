package org.easycv4j.core.checkpoint;

import java.io.IOException;

/** A weights file that does not fit the model: the message names the file and every mismatch. */
public final class WeightLoadException extends IOException {
    private static final long serialVersionUID = 1L;

    public WeightLoadException(String message) {
        super(message);
    }
}
