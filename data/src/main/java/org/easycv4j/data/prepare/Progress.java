package org.easycv4j.data.prepare;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs "what: done/total (rate/s, ETA)" at most every few seconds, and once at the end. */
public final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private long lastLog = start;
    private long done;

    public Progress(String what, long total) {
        this.what = what;
        this.total = total;
    }

    public void step() {
        step(1);
    }

    public void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastLog >= INTERVAL_NANOS) {
            lastLog = now;
            LOG.info(line(now));
        }
    }

    public void finish() {
        LOG.info(line(System.nanoTime()));
    }

    String line(long now) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        String eta = rate > 0 && total > done ? String.format(" ETA %ds", (long) ((total - done) / rate)) : "";
        return String.format("%s: %d/%d (%.0f/s%s)", what, done, total, rate, eta);
    }
}
