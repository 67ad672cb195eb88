package org.easycv4j.tools;

import java.util.Optional;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.dist.Launchers;
import org.easycv4j.core.dist.MpiUnavailableException;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;

/**
 * How a command takes part in a data-parallel job ({@code --launcher}): joining it, and leaving it when this rank
 * fails, so that the other ranks, which may be waiting for it in a collective, do not wait until the timeout.
 */
final class RankJob {
    private RankJob() {}

    /** The work a rank does once it has joined. */
    interface Work<T> {
        T run(Collective collective) throws Exception;
    }

    /**
     * Joins the job through the launcher registered as {@code launcher} ({@code none}, {@code mpi}, or a plugin's);
     * empty after printing its one error line when it cannot.
     */
    static Optional<Collective> connect(String launcher) {
        try {
            return Optional.of(join(launcher));
        } catch (IllegalArgumentException | MpiUnavailableException e) {
            System.err.println("error: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Joins the job through the launcher registered as {@code launcher}; failures as they are. */
    static Collective join(String launcher) {
        return Launchers.connect(Injectors.create().getInstance(Components.class), launcher);
    }

    /**
     * Runs {@code work}, then leaves the job. A failure of a rank in a job of several is reported with the rank
     * ({@code hint} appended) and ends the whole job; in one process it is rethrown as it is.
     */
    static <T> T run(Collective collective, String hint, Work<T> work) throws Exception {
        T result;
        try {
            result = work.run(collective);
        } catch (Throwable e) {
            if (collective.size() > 1) {
                System.err.println("error on rank " + collective.rank() + " of " + collective.size() + ": " + e
                        + "; ending the job" + hint);
                System.err.flush();
                collective.abort(1);
            }
            throw e;
        }
        collective.close();
        return result;
    }
}
