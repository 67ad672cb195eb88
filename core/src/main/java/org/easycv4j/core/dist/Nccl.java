package org.easycv4j.core.dist;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.easycv4j.core.util.LoadedLibraries;

/**
 * NCCL's C API ({@code libnccl.so.2}) through JNA: GPU-to-GPU all-reduce and broadcast of float32 device
 * memory. The communicator's unique id is made by rank 0 and broadcast over the job's {@link Collective} (MPI),
 * as NCCL's documentation does it; each rank's communicator uses the rank's GPU.
 *
 * <p>Every collective is enqueued on the null stream. DJL issues libtorch operations on PyTorch's current
 * stream, which is the device's default stream unless a program changes it (DJL's JNI has no stream
 * function); PyTorch's default stream is stream id 0, whose {@code cudaStream_t} is {@code nullptr}, the legacy
 * default stream (c10/cuda/CUDAStream.cpp). On that stream the flatten kernel before the all-reduce and the copy
 * back after it run in order with the NCCL kernel, and the caching allocator reuses a freed bucket only after
 * the work queued on it: no host synchronisation per bucket.
 *
 * <p>NCCL records a peer's failure (a dead process, a broken connection) in the communicator while the kernels
 * wait on the device, where no host call returns it; each communicator is therefore polled with {@code
 * ncclCommGetAsyncError} by a {@link CollectiveWatchdog} of its own, which prints the error, aborts the
 * communicators and ends the process.
 */
public final class Nccl {
    /** Overrides the library to load (a path or a file name on the loader's search path). */
    public static final String LIBRARY_ENV = "EASYCV4J_NCCL_LIBRARY";
    /** {@code auto} (default): NCCL on GPU ranks when it loads; {@code 0}: always MPI; {@code 1}: NCCL or fail. */
    public static final String MODE_ENV = "EASYCV4J_NCCL";
    static final String SONAME = "libnccl.so.2";
    static final int UNIQUE_ID_BYTES = 128;
    private static final int NCCL_FLOAT32 = 7;
    private static final int NCCL_SUM = 0;
    private static final int NCCL_SUCCESS = 0;
    /** What a nonblocking communicator reports while an operation is still being set up: no error. */
    private static final int NCCL_IN_PROGRESS = 7;
    static final String INSTALL_HINT = "install NCCL (NVIDIA's CUDA repository: apt-get install libnccl2; or "
            + "pip's nvidia-nccl-cu12 wheel) or set " + LIBRARY_ENV + " to libnccl.so.2, or set dist_params.backend = host ("
            + MODE_ENV + "=0) to all-reduce through MPI";

    /** Communicators to abort when the job is aborted (a rank failed) or to destroy when it ends. */
    private static final List<Communicator> OPEN = new ArrayList<>();

    /** Whether GPU ranks use NCCL. */
    public enum Mode {
        /** NCCL when the library loads, otherwise MPI through host memory. */
        AUTO,
        /** Always MPI through host memory (debugging). */
        OFF,
        /** NCCL, and a clear error when it cannot be loaded. */
        ON;

        /** The mode of {@link #MODE_ENV}'s value; unset or empty is {@link #AUTO}. */
        public static Mode parse(String value) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "0", "off", "false" -> OFF;
                case "1", "on", "true" -> ON;
                default -> throw new IllegalArgumentException(MODE_ENV + "=" + value + ": expected auto, 0 or 1");
            };
        }
    }

    /** NCCL's {@code ncclUniqueId}: 128 opaque bytes, passed by value. */
    @Structure.FieldOrder("internal")
    public static final class UniqueId extends Structure implements Structure.ByValue {
        public byte[] internal = new byte[UNIQUE_ID_BYTES];
    }

    /** The C functions used (nccl.h); {@code size_t} is a long on the 64-bit platforms NCCL exists for. */
    interface Api extends Library {
        int ncclGetVersion(IntByReference version);

        int ncclGetUniqueId(Pointer uniqueId);

        int ncclCommInitRank(PointerByReference comm, int nranks, UniqueId commId, int rank);

        int ncclAllReduce(Pointer send, Pointer recv, long count, int datatype, int op, Pointer comm,
                Pointer stream);

        int ncclBroadcast(Pointer send, Pointer recv, long count, int datatype, int root, Pointer comm,
                Pointer stream);

        int ncclCommAbort(Pointer comm);

        int ncclCommDestroy(Pointer comm);

        int ncclCommGetAsyncError(Pointer comm, IntByReference asyncError);

        String ncclGetErrorString(int result);
    }

    /**
     * {@code const char *ncclGetLastError(ncclComm_t)}: NCCL's description of its last error (the failed
     * connection, the peer), which says more than the result code's string. NCCL has it since 2.13, so it is
     * looked up rather than bound, and older libraries still load.
     */
    interface LastError {
        String of(Pointer comm);
    }

    /** The CUDA runtime's {@code cudaSetDevice}: NCCL creates a communicator on the current device. */
    interface CudaRuntime extends Library {
        int cudaSetDevice(int device);

        String cudaGetErrorString(int error);
    }

    private final Api api;
    private final String library;
    private final int version;
    private final Optional<LastError> lastError;

    Nccl(Api api, String library, int version, Optional<LastError> lastError) {
        this.api = api;
        this.library = library;
        this.version = version;
        this.lastError = lastError;
    }

    /**
     * Loads NCCL: {@link #LIBRARY_ENV} when set, otherwise {@code libnccl.so.2} from the dynamic linker's path.
     *
     * @throws NcclUnavailableException naming what was tried and how to install NCCL
     */
    public static Nccl load() {
        String override = System.getenv(LIBRARY_ENV);
        return load(override != null && !override.isBlank() ? override : SONAME);
    }

    /** Loads the NCCL library {@code name} (a path or a file name on the loader's search path). */
    static Nccl load(String name) {
        NativeLibrary lib;
        try {
            lib = NativeLibrary.getInstance(name);
        } catch (UnsatisfiedLinkError e) {
            throw new NcclUnavailableException("cannot load NCCL's library " + name + ": " + INSTALL_HINT);
        }
        String file = lib.getFile() != null ? lib.getFile().getPath() : name;
        if (optionalFunction(lib, "ncclCommInitRank").isEmpty()) {
            throw new NcclUnavailableException(file + " is not NCCL (no ncclCommInitRank): " + INSTALL_HINT);
        }
        if (optionalFunction(lib, "ncclCommGetAsyncError").isEmpty()) {
            throw new NcclUnavailableException(file + " is an NCCL older than 2.4 (no ncclCommGetAsyncError, "
                    + "without which a peer's failure hangs the job): " + INSTALL_HINT);
        }
        Api api = Native.load(name, Api.class);
        IntByReference v = new IntByReference();
        int rc = api.ncclGetVersion(v);
        Optional<LastError> lastError = optionalFunction(lib, "ncclGetLastError")
                .map(f -> comm -> f.invokeString(new Object[] {comm}, false));
        return new Nccl(api, file, rc == 0 ? v.getValue() : -1, lastError);
    }

    /** {@code lib}'s function {@code name}, or empty when the library lacks it. */
    static Optional<Function> optionalFunction(NativeLibrary lib, String name) {
        try {
            return Optional.of(lib.getFunction(name));
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }

    /** True when the library has {@code ncclGetLastError}, which the error messages then quote. */
    boolean hasLastError() {
        return lastError.isPresent();
    }

    /** The file loaded. */
    public String library() {
        return library;
    }

    /** NCCL's version as {@code major.minor.patch}. */
    public String version() {
        int v = version;
        if (v < 0) {
            return "unknown";
        }
        // NCCL >= 2.9 encodes major*10000 + minor*100 + patch, older ones major*1000 + minor*100 + patch.
        return v >= 10000 ? (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100)
                : (v / 1000) + "." + (v / 100 % 10) + "." + (v % 100);
    }

    /**
     * Creates this rank's communicator for the job of {@code collective} on CUDA device {@code cudaDevice}:
     * rank 0's unique id reaches every rank over {@code collective}, the device is made current, then every rank
     * joins (a collective call: all ranks must call it).
     */
    public Communicator connect(Collective collective, int cudaDevice) {
        byte[] id = sharedId(collective, this::uniqueId);
        setDevice(cudaDevice, collective.rank());
        UniqueId uid = new UniqueId();
        System.arraycopy(id, 0, uid.internal, 0, UNIQUE_ID_BYTES);
        PointerByReference comm = new PointerByReference();
        check(api.ncclCommInitRank(comm, collective.size(), uid, collective.rank()), "ncclCommInitRank",
                collective.rank());
        return open(comm.getValue(), collective.rank(),
                CollectiveWatchdog.forRank(collective.rank(), collective.size()));
    }

    /**
     * The communicator {@code comm} of rank {@code rank}, aborted with the others when the job is, and polled
     * for asynchronous errors by {@code watchdog} until it is closed (which closes the watchdog) or aborted.
     */
    Communicator open(Pointer comm, int rank, CollectiveWatchdog watchdog) {
        Communicator c = new Communicator(comm, rank, watchdog);
        synchronized (OPEN) {
            OPEN.add(c);
        }
        watchdog.watch(c);
        return c;
    }

    /** A new unique id (rank 0 only). */
    byte[] uniqueId() {
        ByteBuffer b = Collective.allocate(UNIQUE_ID_BYTES);
        check(api.ncclGetUniqueId(Native.getDirectBufferPointer(b)), "ncclGetUniqueId", 0);
        byte[] id = new byte[UNIQUE_ID_BYTES];
        b.get(id);
        return id;
    }

    /** Rank 0's {@code create()}d id on every rank; the other ranks never call {@code create}. */
    static byte[] sharedId(Collective collective, Supplier<byte[]> create) {
        ByteBuffer b = Collective.allocate(UNIQUE_ID_BYTES);
        if (collective.isRoot()) {
            byte[] id = create.get();
            if (id.length != UNIQUE_ID_BYTES) {
                throw new IllegalStateException("an NCCL unique id has " + UNIQUE_ID_BYTES + " bytes, not "
                        + id.length);
            }
            b.put(id).flip();
        }
        collective.broadcast(b, 0);
        byte[] out = new byte[UNIQUE_ID_BYTES];
        b.position(0).limit(UNIQUE_ID_BYTES);
        b.get(out);
        return out;
    }

    /**
     * {@code cudaSetDevice} of the CUDA runtime libtorch loaded (CUDA builds of libtorch ship their own, e.g.
     * {@code libcudart-<hash>.so.12}); the runtime's current device is the driver's current context, which the
     * copy statically linked into NCCL sees as well.
     */
    private static void setDevice(int device, int rank) {
        String name = LoadedLibraries.find("libcudart.so").map(Object::toString)
                .orElse("libcudart.so.12");
        CudaRuntime cuda;
        try {
            cuda = Native.load(name, CudaRuntime.class);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("NCCL on rank " + rank + ": cannot load the CUDA runtime " + name
                    + " to select gpu(" + device + "); is the CUDA build of libtorch in use (tools/env)?");
        }
        int rc = cuda.cudaSetDevice(device);
        if (rc != 0) {
            throw new IllegalStateException("NCCL on rank " + rank + ": cudaSetDevice(" + device + ") failed: "
                    + cuda.cudaGetErrorString(rc) + " (CUDA error " + rc + ")");
        }
    }

    private void check(int rc, String call, int rank) {
        if (rc != 0) {
            throw new IllegalStateException("NCCL on rank " + rank + ": " + call + " failed: "
                    + api.ncclGetErrorString(rc) + " (ncclResult_t " + rc + ")");
        }
    }

    /**
     * Aborts every open communicator, so that a failing rank does not leave NCCL kernels waiting for it; called
     * before MPI's abort ends the job.
     */
    static void abortAll() {
        synchronized (OPEN) {
            for (Communicator c : OPEN) {
                c.abort();
            }
            OPEN.clear();
        }
    }

    /**
     * {@link #abortAll()}, waiting at most {@code waitMillis} for it: a process that ends because of a failure
     * must end even where an abort hangs.
     */
    static void abortAll(long waitMillis) {
        Thread t = new Thread(Nccl::abortAll, "easycv4j-nccl-abort");
        t.setDaemon(true);
        t.start();
        try {
            t.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Destroys every open communicator (at a normal end, before MPI is finalised). */
    static void closeAll() {
        List<Communicator> open;
        synchronized (OPEN) {
            open = new ArrayList<>(OPEN);
        }
        for (Communicator c : open) {
            c.close();
        }
    }

    /**
     * Which communicator, if any, the gradients of a job on a GPU go through.
     *
     * @param gpu the rank's CUDA device, or empty on a CPU (never NCCL)
     * @param loader {@link #load()} (tests pass another)
     * @return the communicator, or empty with the reason in {@code why[0]} for the log
     * @throws NcclUnavailableException in mode {@link Mode#ON} when NCCL cannot be loaded
     */
    static Optional<Communicator> select(Collective collective, Optional<Integer> gpu, Mode mode,
            Supplier<Nccl> loader, String[] why) {
        if (collective.size() == 1) {
            why[0] = "one process";
            return Optional.empty();
        }
        if (gpu.isEmpty()) {
            why[0] = "CPU tensors";
            return Optional.empty();
        }
        if (mode == Mode.OFF) {
            why[0] = "dist_params.backend = host";
            return Optional.empty();
        }
        Nccl nccl;
        try {
            nccl = loader.get();
        } catch (NcclUnavailableException e) {
            if (mode == Mode.ON) {
                throw new NcclUnavailableException("dist_params.backend = nccl on rank " + collective.rank() + ": "
                        + e.getMessage());
            }
            why[0] = e.getMessage();
            return Optional.empty();
        }
        why[0] = "NCCL " + nccl.version() + " from " + nccl.library();
        return Optional.of(nccl.connect(collective, gpu.get()));
    }

    /** One rank's NCCL communicator. */
    public final class Communicator implements AutoCloseable, AsyncErrorSource {
        private Pointer comm;
        private final int rank;
        private final CollectiveWatchdog watchdog;
        /** The operation an asynchronous error is reported for: the last one enqueued. */
        private volatile String lastCall = "ncclCommInitRank";

        private Communicator(Pointer comm, int rank, CollectiveWatchdog watchdog) {
            this.comm = comm;
            this.rank = rank;
            this.watchdog = watchdog;
        }

        /** Adds {@code count} float32 values at device address {@code data} over all ranks, in place. */
        public void allReduceSum(Pointer data, long count) {
            lastCall = "ncclAllReduce";
            check(api.ncclAllReduce(data, data, count, NCCL_FLOAT32, NCCL_SUM, live(), null), "ncclAllReduce", rank);
        }

        /** Copies rank {@code root}'s {@code count} float32 values at device address {@code data} to every rank. */
        public void broadcast(Pointer data, long count, int root) {
            lastCall = "ncclBroadcast";
            check(api.ncclBroadcast(data, data, count, NCCL_FLOAT32, root, live(), null), "ncclBroadcast", rank);
        }

        private Pointer live() {
            if (comm == null) {
                throw new IllegalStateException("NCCL on rank " + rank + ": the communicator is closed");
            }
            return comm;
        }

        /**
         * NCCL's asynchronous error, e.g. {@code ncclAllReduce failed asynchronously: remote process exited or
         * there was a network error (ncclResult_t 6): <ncclGetLastError>}. Synchronised with {@link #close} and
         * {@link #abort}, so that a communicator is never queried after it is freed.
         */
        @Override
        public synchronized Optional<String> asyncError() {
            if (comm == null) {
                return Optional.empty();
            }
            IntByReference result = new IntByReference();
            int rc = api.ncclCommGetAsyncError(comm, result);
            if (rc != NCCL_SUCCESS) {
                return Optional.of("ncclCommGetAsyncError failed: " + describe(rc));
            }
            int error = result.getValue();
            if (error == NCCL_SUCCESS || error == NCCL_IN_PROGRESS) {
                return Optional.empty();
            }
            return Optional.of(lastCall + " failed asynchronously: " + describe(error));
        }

        private String describe(int result) {
            String s = api.ncclGetErrorString(result) + " (ncclResult_t " + result + ")";
            String detail = lastError.map(f -> f.of(comm)).map(d -> d.strip().replaceAll("\\s*\\R\\s*", " "))
                    .orElse("");
            return detail.isEmpty() ? s : s + ": " + detail;
        }

        /** Ends the communicator's pending operations without waiting for the other ranks. */
        void abort() {
            synchronized (this) {
                if (comm == null) {
                    return;
                }
                api.ncclCommAbort(comm);
                comm = null;
            }
            // Not close(), which waits for the watch to end: the watch may itself be waiting for this abort
            // (CollectiveWatchdog.endProcess after the error it reported).
            watchdog.unwatch(this);
        }

        @Override
        public void close() {
            Pointer c;
            synchronized (this) {
                if (comm == null) {
                    return;
                }
                c = comm;
                comm = null;
            }
            synchronized (OPEN) {
                OPEN.remove(this);
            }
            // Outside this object's lock: a poll waiting for it sees the communicator closed and the watch ends.
            watchdog.close();
            check(api.ncclCommDestroy(c), "ncclCommDestroy", rank);
        }
    }
}
