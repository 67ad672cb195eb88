package org.easycv4j.core.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectiveWatchdogTest {
    @TempDir
    Path dir;

    @Test
    void timeoutComesFromTheEnvironmentWithPyTorchsDefault() {
        assertEquals(1800, CollectiveWatchdog.timeoutSeconds(null));
        assertEquals(1800, CollectiveWatchdog.timeoutSeconds(" "));
        assertEquals(0, CollectiveWatchdog.timeoutSeconds("0"));
        assertEquals(90, CollectiveWatchdog.timeoutSeconds(" 90 "));
        for (String bad : new String[] {"-1", "ten", "1.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CollectiveWatchdog.timeoutSeconds(bad));
            assertTrue(e.getMessage().startsWith("EASYCV4J_COLLECTIVE_TIMEOUT=" + bad + ": expected"), e.getMessage());
        }
    }

    @Test
    void aCallThatWaitsTooLongEndsTheProcessAndQuickCallsDoNot() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        CollectiveWatchdog w = new CollectiveWatchdog(1, "rank 0 of 2", ended::countDown);
        for (int i = 0; i < 20; i++) {
            assertEquals(7, w.run("MPI_Allreduce", () -> 7));
            Thread.sleep(100);
        }
        assertEquals(1, ended.getCount(), "quick calls, 2 s in all, never reach the 1 s timeout");
        List<Integer> results = new ArrayList<>();
        Thread caller = new Thread(() -> results.add(w.run("MPI_Barrier", () -> {
            try {
                Thread.sleep(4000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        })));
        caller.start();
        assertTrue(ended.await(3500, TimeUnit.MILLISECONDS), "a call waiting over 1 s ends the process");
        caller.join();
    }

    @Test
    void offMeansNoWatch() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        CollectiveWatchdog w = new CollectiveWatchdog(0, "rank 0 of 2", ended::countDown);
        assertEquals(0, w.run("MPI_Barrier", () -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }));
        assertFalse(ended.await(200, TimeUnit.MILLISECONDS));
    }

    /** Two real ranks: rank 1 never arrives, rank 0's barrier times out and the whole job ends. */
    @Test
    void aHangingRankEndsTheJobWithinTheTimeout() throws Exception {
        assumeTrue(MpiRun.available(), "mpirun not installed");
        List<String> cmd = new ArrayList<>(List.of("-x", CollectiveWatchdog.TIMEOUT_ENV + "=3"));
        cmd.addAll(MpiRun.java(HangProbe.class.getName(), List.of()));
        MpiRun.Result r = MpiRun.run(2, cmd, dir, Duration.ofSeconds(120));
        assertFalse(r.timedOut(), "the job ends by itself: " + r.output());
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("rank 0 of 2: MPI_Barrier has waited more than 3 s for the other ranks"),
                r.output());
        assertFalse(r.output().contains("passed the barrier"), r.output());
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(60)) < 0, "ended after " + r.elapsed());
    }
}
