package org.easycv4j.data.source;

/**
 * A sample that could not be used.
 *
 * @param where the file path, or list file:line, or IDX file and record
 * @param reason what was wrong
 */
public record BadSample(String where, String reason) {
    @Override
    public String toString() {
        return where + ": " + reason;
    }
}
