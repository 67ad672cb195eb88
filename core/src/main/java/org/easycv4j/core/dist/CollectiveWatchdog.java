package org.easycv4j.core.dist;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Ends this process when one collective call has waited longer than the timeout for the other ranks, or when a
 * watched {@link AsyncErrorSource} (an NCCL communicator) reports an error. A rank that dies is noticed by the
 * launcher, which ends the job; a rank that hangs without dying (a deadlock, a stuck file system, a rank that
 * skipped a collective) would otherwise hold every other rank forever, and so would NCCL kernels waiting on
 * the device for a peer whose failure NCCL only records in its communicator. Once this process ends, mpirun
 * (or srun) ends the whole job. The watch is a daemon thread; a call only writes two volatile fields that it
 * reads, and the sources are polled from the watch's thread, every {@link #POLL_MILLIS} ms while any is
 * watched, never from the caller's.
 */
final class CollectiveWatchdog implements AutoCloseable {
    /** Seconds one collective may wait; 0 turns the timeout off (not the polling of the sources). */
    static final String TIMEOUT_ENV = "EASYCV4J_COLLECTIVE_TIMEOUT";
    /** PyTorch's default process-group timeout. */
    static final long DEFAULT_SECONDS = 1800;
    /** PyTorch's ProcessGroupNCCL watchdog polls its communicators' asynchronous errors as often. */
    static final long POLL_MILLIS = 100;
    /** How long the end of the process waits for NCCL's aborts: were one to hang, the process would too. */
    private static final long ABORT_WAIT_MILLIS = 10_000;
    /** How long {@link #close} waits for the watch: a poll stuck in a native call must not hold it forever. */
    private static final long JOIN_MILLIS = 10_000;

    private final long timeoutNanos;
    private final long pollNanos;
    private final String who;
    private final Consumer<String> onFailure;
    private final List<AsyncErrorSource> sources = new CopyOnWriteArrayList<>();
    private volatile long since;
    private volatile String call = "";
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param seconds the longest wait of one call (0: no timeout)
     * @param who the rank, for the message ("rank 1 of 4")
     * @param onFailure given the one-line message; reports it and ends the process
     */
    CollectiveWatchdog(long seconds, String who, Consumer<String> onFailure) {
        this(seconds, who, onFailure, POLL_MILLIS);
    }

    CollectiveWatchdog(long seconds, String who, Consumer<String> onFailure, long pollMillis) {
        this.timeoutNanos = seconds * 1_000_000_000L;
        this.pollNanos = pollMillis * 1_000_000L;
        this.who = who;
        this.onFailure = onFailure;
    }

    /**
     * The watchdog of rank {@code rank} of {@code size}: the timeout of {@link #TIMEOUT_ENV} (none for one
     * process), and {@link #endProcess} on a failure.
     */
    static CollectiveWatchdog forRank(int rank, int size) {
        return new CollectiveWatchdog(size > 1 ? timeoutSeconds(System.getenv(TIMEOUT_ENV)) : 0,
                "rank " + rank + " of " + size, CollectiveWatchdog::endProcess);
    }

    /** Prints {@code message}, aborts NCCL's communicators and halts with status 1. */
    static void endProcess(String message) {
        System.err.println(message);
        System.err.flush();
        // An NCCL kernel waiting for a failed peer never finishes on its own, and the CUDA runtime's teardown
        // at exit would wait for it; ncclCommAbort ends it.
        Nccl.abortAll(ABORT_WAIT_MILLIS);
        // halt, not exit: shutdown hooks could themselves wait on the collective that hangs.
        Runtime.getRuntime().halt(1);
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

    /** Polls {@code source} from now until {@link #unwatch} or {@link #close}. */
    void watch(AsyncErrorSource source) {
        if (closed) {
            throw new IllegalStateException("the collective watchdog of " + who + " is closed");
        }
        sources.add(source);
        // Wakes a thread that sleeps in a long timeout step, so that polling starts now.
        LockSupport.unpark(start());
    }

    /** Stops polling {@code source}; a poll already under way may still finish. */
    void unwatch(AsyncErrorSource source) {
        sources.remove(source);
    }

    /** Stops the watch; once this returns nothing is polled any more (unless called from the watch itself). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null) {
            return;
        }
        LockSupport.unpark(t);
        if (t != Thread.currentThread()) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized Thread start() {
        if (thread == null && !closed) {
            thread = new Thread(this::watch, "easycv4j-collective-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
        return thread;
    }

    private void watch() {
        long step = timeoutNanos == 0 ? Long.MAX_VALUE
                : Math.max(10_000_000L, Math.min(timeoutNanos / 10, 5_000_000_000L));
        while (!closed) {
            LockSupport.parkNanos(this, sources.isEmpty() ? step : Math.min(step, pollNanos));
            if (closed) {
                return;
            }
            for (AsyncErrorSource source : sources) {
                Optional<String> error = source.asyncError();
                if (error.isPresent()) {
                    onFailure.accept("error: " + who + ": " + error.get() + "; ending the job");
                    return;
                }
            }
            long s = since;
            if (timeoutNanos != 0 && s != 0 && System.nanoTime() - s > timeoutNanos) {
                onFailure.accept("error: " + who + ": " + call + " has waited more than "
                        + timeoutNanos / 1_000_000_000L + " s for the other ranks (" + TIMEOUT_ENV
                        + "): another rank hangs or died; ending the job");
                return;
            }
        }
    }
}
