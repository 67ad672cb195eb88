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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        CollectiveWatchdog w = new CollectiveWatchdog(1, "rank 0 of 2", m -> ended.countDown());
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
        CollectiveWatchdog w = new CollectiveWatchdog(0, "rank 0 of 2", m -> ended.countDown());
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

    /** Polls are counted (and can be awaited); the error is reported once {@link #error} is set. */
    private static final class Source implements AsyncErrorSource {
        final AtomicInteger polls = new AtomicInteger();
        final Semaphore polled = new Semaphore(0);
        volatile String error;

        @Override
        public Optional<String> asyncError() {
            polls.incrementAndGet();
            polled.release();
            return Optional.ofNullable(error);
        }

        /** Waits for {@code n} more polls. */
        void awaitPolls(int n) throws InterruptedException {
            polled.drainPermits();
            assertTrue(polled.tryAcquire(n, 30, TimeUnit.SECONDS), "polled " + polls.get() + " times");
        }
    }

    private static final String NCCL_ERROR = "ncclAllReduce failed asynchronously: remote process exited or there "
            + "was a network error (ncclResult_t 6): NET/Socket : Connection closed by remote peer";

    @Test
    void anAsyncErrorWhileACallIsInFlightEndsTheProcessWithOneMessage() throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        CollectiveWatchdog w = new CollectiveWatchdog(1800, "rank 1 of 4", m -> {
            failures.add(m);
            ended.countDown();
        }, 20);
        Source source = new Source();
        w.watch(source);
        source.awaitPolls(2);
        assertEquals(List.of(), failures, "no error reported yet");
        int rc = w.run("MPI_Allreduce", () -> {
            source.error = NCCL_ERROR;
            try {
                return ended.await(30, TimeUnit.SECONDS) ? 0 : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -2;
            }
        });
        assertEquals(0, rc, "the failure action ran while the call waited");
        w.close();
        assertEquals(List.of("error: rank 1 of 4: ncclAllReduce failed asynchronously: remote process exited or "
                + "there was a network error (ncclResult_t 6): NET/Socket : Connection closed by remote peer; "
                + "ending the job"), failures);
    }

    /** Polling does not depend on the timeout: {@code EASYCV4J_COLLECTIVE_TIMEOUT=0} keeps it. */
    @ParameterizedTest
    @ValueSource(longs = {0, 1800})
    void withoutAnErrorThePollsEndNothing(long seconds) throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        CollectiveWatchdog w = new CollectiveWatchdog(seconds, "rank 0 of 2", failures::add, 20);
        Source source = new Source();
        w.watch(source);
        int rc = w.run("MPI_Barrier", () -> {
            try {
                source.awaitPolls(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 3;
        });
        assertEquals(3, rc);
        assertTrue(source.polls.get() >= 5, "polled " + source.polls.get() + " times");
        w.close();
        assertEquals(List.of(), failures);
    }

    @Test
    void anUnwatchedSourceAndAClosedWatchdogAreNotPolledAnyMore() throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        CollectiveWatchdog w = new CollectiveWatchdog(1800, "rank 0 of 2", failures::add, 20);
        Source gone = new Source();
        Source kept = new Source();
        w.watch(gone);
        w.watch(kept);
        gone.awaitPolls(2);
        w.unwatch(gone);
        // The second of these polls belongs to a pass that began after unwatch returned.
        kept.awaitPolls(2);
        int final1 = gone.polls.get();
        kept.awaitPolls(3);
        assertEquals(final1, gone.polls.get(), "an unwatched source is not polled");

        w.close();
        int final2 = kept.polls.get();
        Thread.sleep(200);
        assertEquals(final2, kept.polls.get(), "nothing is polled after close");
        gone.error = "late";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.watch(gone));
        assertEquals("the collective watchdog of rank 0 of 2 is closed", e.getMessage());
        assertEquals(List.of(), failures);
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
