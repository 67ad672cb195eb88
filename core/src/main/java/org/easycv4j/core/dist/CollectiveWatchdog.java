package org.easycv4j.core.dist;

import java.util.function.IntSupplier;

/**
 * Ends this process when one collective call has waited longer than the timeout for the other ranks. A rank that
 * dies is noticed by the launcher, which ends the job; a rank that hangs without dying (a deadlock, a stuck file
 * system, a rank that skipped a collective) would otherwise hold every other rank forever. Once this process
 * ends, mpirun (or srun) ends the whole job. The watch is a daemon thread that only reads two fields, so a call
 * costs two volatile writes.
 */
final class CollectiveWatchdog {
    /** Seconds one collective may wait; 0 turns the watch off. */
    static final String TIMEOUT_ENV = "EASYCV4J_COLLECTIVE_TIMEOUT";
    /** PyTorch's default process-group timeout. */
    static final long DEFAULT_SECONDS = 1800;

    private final long timeoutNanos;
    private final String who;
    private final Runnable onTimeout;
    private volatile long since;
    private volatile String call = "";
    private Thread thread;

    /**
     * @param seconds the longest wait of one call (0: no watch)
     * @param who the rank, for the message ("rank 1 of 4")
     * @param onTimeout what ends the process (after the message is printed)
     */
    CollectiveWatchdog(long seconds, String who, Runnable onTimeout) {
        this.timeoutNanos = seconds * 1_000_000_000L;
        this.who = who;
        this.onTimeout = onTimeout;
    }

    /** The timeout of {@link #TIMEOUT_ENV}'s value: unset or blank gives the default. */
    static long timeoutSeconds(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_SECONDS;
        }
        try {
            long s = Long.parseLong(value.strip());
            if (s >= 0) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(TIMEOUT_ENV + "=" + value + ": expected a whole number of seconds >= 0 "
                + "(0 turns the collective timeout off)");
    }

    /** Runs one collective call under the watch; returns its result code. */
    int run(String name, IntSupplier collective) {
        if (timeoutNanos == 0) {
            return collective.getAsInt();
        }
        start();
        call = name;
        since = System.nanoTime();
        try {
            return collective.getAsInt();
        } finally {
            since = 0;
        }
    }

    private synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::watch, "easycv4j-collective-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        long step = Math.max(10_000_000L, Math.min(timeoutNanos / 10, 5_000_000_000L));
        while (true) {
            try {
                Thread.sleep(step / 1_000_000L);
            } catch (InterruptedException e) {
                return;
            }
            long s = since;
            if (s != 0 && System.nanoTime() - s > timeoutNanos) {
                System.err.println("error: " + who + ": " + call + " has waited more than "
                        + timeoutNanos / 1_000_000_000L + " s for the other ranks (" + TIMEOUT_ENV
                        + "): another rank hangs or died; ending the job");
                System.err.flush();
                onTimeout.run();
                return;
            }
        }
    }
}
