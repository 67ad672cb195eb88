package org.easycv4j.core.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Preemption: while a training runs, SIGTERM (what Kubernetes, Slurm's preemption and most schedulers send
 * before SIGKILL) and SIGUSR1 (Slurm's {@code --signal}; mpirun forwards it to every rank at once) no longer end
 * the JVM but ask the run to stop at its next iteration boundary, write a resume checkpoint and exit with
 * {@link #EXIT_STATUS}. The handler only sets a flag: the training thread reads it, so nothing stops halfway
 * through a step. Further signals while it stops are logged and ignored, so that they cannot cut the checkpoint
 * short (SIGKILL still ends the process at once, and the atomic write keeps the previous checkpoint intact).
 *
 * <p>Signals are process-wide, so this is one object per process; {@link #install()} puts the handlers in place
 * for the duration of a run and puts the JVM's own back afterwards.
 */
public final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    /**
     * The exit status of a run stopped by a signal after saving its checkpoint: 75, {@code EX_TEMPFAIL} of
     * sysexits.h ("temporary failure; the user is invited to retry"). Not 143 (128 + SIGTERM): a JVM ended by
     * SIGTERM without saving anything exits with 143 too, and a requeue script must tell the two apart.
     */
    public static final int EXIT_STATUS = 75;
    /** The signals that stop a run. */
    public static final List<String> SIGNALS = List.of("TERM", "USR1");

    private static final StopSignals PROCESS = new StopSignals();

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile String reason;
    private int installed;

    private StopSignals() {}

    /** This process's. */
    public static StopSignals process() {
        return PROCESS;
    }

    /** Handlers in place until closed. */
    public interface Installed extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Handles {@link #SIGNALS} until the result is closed, starting with no stop requested. Nested installs share
     * the handlers; the outermost close restores the JVM's and forgets any request.
     */
    public synchronized Installed install() {
        if (installed++ == 0) {
            reason = null;
            for (String name : SIGNALS) {
                try {
                    Signal signal = new Signal(name);
                    previous.put(signal, Signal.handle(signal, this::received));
                } catch (IllegalArgumentException e) {
                    // A platform without this signal (Windows has no USR1), or a JVM that keeps it (-Xrs).
                    LOG.debug("SIG{} cannot be handled here: {}", name, e.getMessage());
                }
            }
        }
        return this::uninstall;
    }

    private synchronized void uninstall() {
        if (installed == 0 || --installed > 0) {
            return;
        }
        previous.forEach(Signal::handle);
        previous.clear();
        reason = null;
    }

    private void received(Signal signal) {
        String name = "SIG" + signal.getName();
        if (reason == null) {
            request(name);
            LOG.warn("{} received: stopping at the next iteration boundary, then saving a checkpoint to resume "
                    + "from (exit status {})", name, EXIT_STATUS);
        } else {
            LOG.warn("{} received while stopping ({}): ignored so that the checkpoint is completed; SIGKILL ends "
                    + "the process at once", name, reason);
        }
    }

    /** Asks the run to stop as a signal would ({@code reason} names it in the logs). */
    public void request(String reason) {
        if (this.reason == null) {
            this.reason = reason;
        }
    }

    /** True once a stop was requested in this run. */
    public boolean requested() {
        return reason != null;
    }

    /** What requested the stop ({@code SIGTERM}, ...), null when nothing did. */
    public String reason() {
        return reason;
    }
}
