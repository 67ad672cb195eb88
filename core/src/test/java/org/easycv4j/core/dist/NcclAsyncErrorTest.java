package org.easycv4j.core.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.testing.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NCCL's asynchronous errors without NCCL: the communicator's report against a Java stand-in of the C API, the
 * optional {@code ncclGetLastError} and the JNA binding against a stand-in {@code libnccl.so.2} compiled here
 * (when a C compiler is installed), and a process that the watchdog ends after aborting the communicator.
 */
class NcclAsyncErrorTest {
    @TempDir
    Path dir;

    /** What the C API returns, settable per test; counts the queries and records aborts and destroys. */
    private static final class FakeApi implements Nccl.Api {
        volatile int queryResult;
        volatile int asyncError;
        int queries;
        final Semaphore queried = new Semaphore(0);
        final List<String> freed = new ArrayList<>();

        @Override
        public int ncclGetVersion(IntByReference version) {
            version.setValue(22203);
            return 0;
        }

        @Override
        public int ncclGetUniqueId(Pointer uniqueId) {
            return 0;
        }

        @Override
        public int ncclCommInitRank(PointerByReference comm, int nranks, Nccl.UniqueId commId, int rank) {
            return 0;
        }

        @Override
        public int ncclAllReduce(Pointer send, Pointer recv, long count, int datatype, int op, Pointer comm,
                Pointer stream) {
            return 0;
        }

        @Override
        public int ncclBroadcast(Pointer send, Pointer recv, long count, int datatype, int root, Pointer comm,
                Pointer stream) {
            return 0;
        }

        @Override
        public synchronized int ncclCommAbort(Pointer comm) {
            freed.add("abort");
            return 0;
        }

        @Override
        public synchronized int ncclCommDestroy(Pointer comm) {
            freed.add("destroy");
            return 0;
        }

        @Override
        public synchronized int ncclCommGetAsyncError(Pointer comm, IntByReference error) {
            queries++;
            queried.release();
            error.setValue(asyncError);
            return queryResult;
        }

        @Override
        public String ncclGetErrorString(int result) {
            return switch (result) {
                case 2 -> "unhandled system error (run with NCCL_DEBUG=INFO for details)";
                case 4 -> "invalid argument (run with NCCL_DEBUG=WARN for details)";
                case 6 -> "remote process exited or there was a network error";
                case 7 -> "operation in progress";
                default -> "unknown result code";
            };
        }
    }

    private static final Pointer COMM = new Pointer(0x1000);

    /**
     * A watchdog that polls once when the communicator opens, then not for an hour: the tests query the
     * communicator themselves. Its reports are dropped (that first poll may race with a test's error).
     */
    private static CollectiveWatchdog quiet() {
        return new CollectiveWatchdog(0, "rank 1 of 4", m -> {}, 3_600_000);
    }

    @Test
    void theReportNamesTheLastCallNcclsStringAndItsLastError() {
        FakeApi api = new FakeApi();
        Nccl nccl = new Nccl(api, "fake", 22203,
                Optional.of(comm -> "  NET/Socket : Connection closed by remote peer\n  10.0.0.2<43210>\n"));
        Nccl.Communicator c = nccl.open(COMM, 1, quiet());
        try {
            assertEquals(Optional.empty(), c.asyncError(), "ncclSuccess");
            api.asyncError = 7;
            assertEquals(Optional.empty(), c.asyncError(), "ncclInProgress is no error");
            api.asyncError = 6;
            assertEquals(Optional.of("ncclCommInitRank failed asynchronously: remote process exited or there was a "
                    + "network error (ncclResult_t 6): NET/Socket : Connection closed by remote peer "
                    + "10.0.0.2<43210>"), c.asyncError(), "before any collective the error is the set-up's");
            c.allReduceSum(new Pointer(0x2000), 10);
            api.asyncError = 2;
            assertEquals(Optional.of("ncclAllReduce failed asynchronously: unhandled system error (run with "
                    + "NCCL_DEBUG=INFO for details) (ncclResult_t 2): NET/Socket : Connection closed by remote peer "
                    + "10.0.0.2<43210>"), c.asyncError());
            c.broadcast(new Pointer(0x2000), 10, 0);
            api.queryResult = 4;
            assertEquals(Optional.of("ncclCommGetAsyncError failed: invalid argument (run with NCCL_DEBUG=WARN for "
                    + "details) (ncclResult_t 4): NET/Socket : Connection closed by remote peer 10.0.0.2<43210>"),
                    c.asyncError());
        } finally {
            c.close();
        }
    }

    @Test
    void withoutNcclGetLastErrorOrWithAnEmptyOneTheReportEndsWithTheResultCode() {
        FakeApi api = new FakeApi();
        api.asyncError = 6;
        String expected = "ncclBroadcast failed asynchronously: remote process exited or there was a network error "
                + "(ncclResult_t 6)";
        for (Optional<Nccl.LastError> lastError : List.<Optional<Nccl.LastError>>of(Optional.empty(),
                Optional.of(comm -> " \n"), Optional.of(comm -> null))) {
            Nccl.Communicator c = new Nccl(api, "fake", 21207, lastError).open(COMM, 1, quiet());
            try {
                c.broadcast(new Pointer(0x2000), 1, 0);
                assertEquals(Optional.of(expected), c.asyncError());
            } finally {
                c.close();
            }
        }
    }

    @Test
    void aClosedCommunicatorIsNeitherPolledNorQueried() throws Exception {
        FakeApi api = new FakeApi();
        List<String> failures = new CopyOnWriteArrayList<>();
        Nccl.Communicator c = new Nccl(api, "fake", 22203, Optional.empty()).open(COMM, 1,
                new CollectiveWatchdog(0, "rank 1 of 4", failures::add, 20));
        assertTrue(api.queried.tryAcquire(2, 30, TimeUnit.SECONDS), "the watchdog polls the open communicator");
        c.close();
        int queries;
        synchronized (api) {
            queries = api.queries;
            assertEquals(List.of("destroy"), api.freed);
        }
        // Were the watch still polling, this error would be reported within 20 ms.
        api.asyncError = 6;
        Thread.sleep(200);
        assertEquals(Optional.empty(), c.asyncError());
        synchronized (api) {
            assertEquals(queries, api.queries, "no ncclCommGetAsyncError on a destroyed communicator");
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void theWatchdogOfACommunicatorReportsItsErrorAndAbortAllAbortsIt() throws Exception {
        FakeApi api = new FakeApi();
        List<String> failures = new CopyOnWriteArrayList<>();
        CountDownLatch failed = new CountDownLatch(1);
        CollectiveWatchdog w = new CollectiveWatchdog(0, "rank 1 of 4", m -> {
            failures.add(m);
            failed.countDown();
        }, 20);
        Nccl.Communicator c = new Nccl(api, "fake", 22203, Optional.empty()).open(COMM, 1, w);
        try {
            c.allReduceSum(new Pointer(0x2000), 4);
            api.asyncError = 6;
            assertTrue(failed.await(30, TimeUnit.SECONDS), "the watchdog polled the communicator");
            assertEquals(List.of("error: rank 1 of 4: ncclAllReduce failed asynchronously: remote process exited or "
                    + "there was a network error (ncclResult_t 6); ending the job"), failures);
            Nccl.abortAll(30_000);
            synchronized (api) {
                assertEquals(List.of("abort"), api.freed);
            }
            assertEquals(Optional.empty(), c.asyncError(), "an aborted communicator is not queried");
        } finally {
            c.close();
            w.close();
        }
        synchronized (api) {
            assertEquals(List.of("abort"), api.freed, "an aborted communicator is not destroyed as well");
        }
    }

    /** The lookup itself; ncclGetLastError's absence is tested against the stand-in library below. */
    @Test
    void anOptionalFunctionThatTheLibraryLacksIsEmpty() {
        NativeLibrary libc = NativeLibrary.getInstance("c");
        assertTrue(Nccl.optionalFunction(libc, "easycv4j_no_such_function").isEmpty());
        assertTrue(Nccl.optionalFunction(libc, "strlen").isPresent());
    }

    // A stand-in for libnccl.so.2: the communicator is memory the test owns, {int asyncError; int freed;}.
    private static final String STAND_IN = """
            #include <stdio.h>
            #include <string.h>
            typedef struct { int asyncError; int freed; } comm_t;
            typedef struct { char internal[128]; } id_t_;
            int ncclGetVersion(int *v) { *v = 21809; return 0; }
            int ncclGetUniqueId(id_t_ *id) { memset(id, 7, sizeof *id); return 0; }
            int ncclCommInitRank(void **comm, int n, id_t_ id, int rank) { return 5; }
            int ncclAllReduce(void *s, void *r, size_t n, int t, int op, void *c, void *st) { return 0; }
            int ncclBroadcast(void *s, void *r, size_t n, int t, int root, void *c, void *st) { return 0; }
            int ncclCommAbort(comm_t *c) {
              c->freed = 1;
              fprintf(stderr, "stand-in ncclCommAbort\\n");
              fflush(stderr);
              return 0;
            }
            int ncclCommDestroy(comm_t *c) { c->freed = 2; return 0; }
            int ncclCommGetAsyncError(comm_t *c, int *e) { *e = c->asyncError; return 0; }
            const char *ncclGetErrorString(int r) {
              return r == 6 ? "remote process exited or there was a network error" : "unknown result code";
            }
            #ifndef NO_LAST_ERROR
            const char *ncclGetLastError(comm_t *c) {
              return c->asyncError ? "NET/Socket : Connection closed by remote peer\\n" : "";
            }
            #endif
            """;

    /** The stand-in compiled into {@code dir/name/libstand-in-nccl.so}. */
    private static Path standIn(Path dir, String name, boolean lastError) throws IOException, InterruptedException {
        Path src = dir.resolve("stand-in-nccl.c");
        Files.writeString(src, STAND_IN, StandardCharsets.UTF_8);
        Path out = Files.createDirectories(dir.resolve(name)).resolve("libstand-in-nccl.so");
        List<String> cmd = new ArrayList<>(List.of("cc", "-shared", "-fPIC", "-o", out.toString(), src.toString()));
        if (!lastError) {
            cmd.add("-DNO_LAST_ERROR");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cc ran for over 60 s");
        assertEquals(0, p.exitValue(), log);
        return out;
    }

    @Test
    void theBindingAgainstAStandInLibraryWithAndWithoutNcclGetLastError() throws Exception {
        assumeTrue(Programs.runs("cc", "--version"), "no C compiler (cc) to build the stand-in library");
        Path with = standIn(dir, "with", true);
        Path without = standIn(dir, "without", false);

        Nccl old = Nccl.load(without.toString());
        assertFalse(old.hasLastError(), "a library without ncclGetLastError loads");
        assertEquals("2.18.9", old.version());
        Nccl current = Nccl.load(with.toString());
        assertTrue(current.hasLastError());

        for (Nccl nccl : List.of(old, current)) {
            try (Memory comm = new Memory(8)) {
                comm.setInt(0, 0);
                comm.setInt(4, 0);
                Nccl.Communicator c = nccl.open(comm, 0, quiet());
                assertEquals(Optional.empty(), c.asyncError());
                comm.setInt(0, 6);
                String expected = "ncclCommInitRank failed asynchronously: remote process exited or there was a "
                        + "network error (ncclResult_t 6)";
                assertEquals(Optional.of(nccl == current
                        ? expected + ": NET/Socket : Connection closed by remote peer" : expected), c.asyncError());
                Nccl.abortAll(30_000);
                assertEquals(1, comm.getInt(4), "ncclCommAbort reached the library");
                c.close();
                assertEquals(1, comm.getInt(4), "an aborted communicator is not destroyed");
            }
        }
    }

    /** A real process: the watchdog prints the one line, aborts the communicator, then the process exits 1. */
    @Test
    void aPeersFailureEndsTheProcessAfterAbortingTheCommunicator() throws Exception {
        assumeTrue(Programs.runs("cc", "--version"), "no C compiler (cc) to build the stand-in library");
        Path lib = standIn(dir, "lib", true);
        List<String> cmd = MpiRun.java(AsyncErrorProbe.class.getName(), List.of(lib.toString()));
        Path log = dir.resolve("probe.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the process ends by itself: " + out);
        assertEquals(1, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of("waiting in MPI_Barrier",
                "error: rank 1 of 4: ncclAllReduce failed asynchronously: remote process exited or there was a "
                        + "network error (ncclResult_t 6): NET/Socket : Connection closed by remote peer; ending "
                        + "the job",
                "stand-in ncclCommAbort"), lines, out);
    }
}
