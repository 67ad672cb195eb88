package org.easycv4j.core.util;

/** Formats durations for logs. */
public final class Durations {
    private Durations() {}

    /** {@code h:mm:ss}, or {@code d day(s), h:mm:ss} past a day. */
    public static String hms(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        long d = s / 86400;
        s %= 86400;
        String t = String.format("%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
        return d > 0 ? d + (d == 1 ? " day, " : " days, ") + t : t;
    }
}
