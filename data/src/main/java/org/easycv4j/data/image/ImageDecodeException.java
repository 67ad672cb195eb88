package org.easycv4j.data.image;

import java.io.IOException;

/** Bytes that are not a decodable image (corrupt, truncated, unsupported format). */
public final class ImageDecodeException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
