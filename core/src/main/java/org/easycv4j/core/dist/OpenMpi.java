package org.easycv4j.core.dist;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Collective} over Open MPI's C API, called through JNA (no native code of our own). The library is
 * opened with {@code RTLD_GLOBAL | RTLD_NOW} because Open MPI's plugins resolve its symbols globally; Open MPI's
 * handles ({@code MPI_COMM_WORLD}, {@code MPI_FLOAT}, {@code MPI_SUM}) are the addresses of its global objects
 * ({@code ompi_mpi_comm_world}, ...), and {@code MPI_IN_PLACE} is {@code (void *) 1}. The MPICH family (MPICH,
 * Intel MPI, Cray MPICH, MVAPICH) uses integer handles and is refused with a message saying so.
 *
 * <p>Errors keep MPI's default handler ({@code MPI_ERRORS_ARE_FATAL}): a failed collective, or a rank that
 * died, ends the whole job instead of leaving ranks waiting.
 */
public final class OpenMpi implements Collective {
    /** Overrides the library to load (a path or a file name on the loader's search path). */
    public static final String LIBRARY_ENV = "EASYCV4J_MPI_LIBRARY";
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final int MPI_THREAD_FUNNELED = 1;
    private static final int MPI_COMM_TYPE_SHARED = 0;
    private static final Pointer IN_PLACE = new Pointer(1);
    /** Elements per call: MPI counts are C ints. */
    private static final int MAX_COUNT = 1 << 28;
    static final String INSTALL_HINT = "install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; "
            + "RHEL/Fedora: dnf install openmpi openmpi-devel, then module load mpi) or set " + LIBRARY_ENV
            + " to Open MPI's libmpi.so.40";

    private static OpenMpi instance;

    /** The C functions used; Open MPI's handles are pointers. */
    interface Api extends Library {
        int MPI_Initialized(IntByReference flag);

        int MPI_Init_thread(Pointer argc, Pointer argv, int required, IntByReference provided);

        int MPI_Comm_rank(Pointer comm, IntByReference rank);

        int MPI_Comm_size(Pointer comm, IntByReference size);

        int MPI_Comm_split_type(Pointer comm, int splitType, int key, Pointer info, PointerByReference newComm);

        int MPI_Comm_free(PointerByReference comm);

        int MPI_Allreduce(Pointer send, Pointer recv, int count, Pointer datatype, Pointer op, Pointer comm);

        int MPI_Iallreduce(Pointer send, Pointer recv, int count, Pointer datatype, Pointer op, Pointer comm,
                PointerByReference request);

        /** {@code status} null is Open MPI's {@code MPI_STATUS_IGNORE}. */
        int MPI_Wait(PointerByReference request, Pointer status);

        int MPI_Bcast(Pointer buffer, int count, Pointer datatype, int root, Pointer comm);

        int MPI_Barrier(Pointer comm);

        int MPI_Abort(Pointer comm, int code);

        int MPI_Finalize();

        int MPI_Get_library_version(byte[] version, IntByReference length);
    }

    /** {@code setenv}, to keep Open MPI's own signal handlers off the signals the JVM relies on. */
    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    private final Api api;
    private final Pointer world;
    private final Pointer floatType;
    private final Pointer doubleType;
    private final Pointer byteType;
    private final Pointer sum;
    private final int rank;
    private final int size;
    private final int localRank;
    private final String version;
    private final CollectiveWatchdog watchdog;
    private boolean closed;

    private OpenMpi(Api api, NativeLibrary lib) {
        this.api = api;
        this.world = lib.getGlobalVariableAddress("ompi_mpi_comm_world");
        this.floatType = lib.getGlobalVariableAddress("ompi_mpi_float");
        this.doubleType = lib.getGlobalVariableAddress("ompi_mpi_double");
        this.byteType = lib.getGlobalVariableAddress("ompi_mpi_byte");
        this.sum = lib.getGlobalVariableAddress("ompi_mpi_op_sum");
        Pointer infoNull = lib.getGlobalVariableAddress("ompi_mpi_info_null");
        IntByReference initialized = new IntByReference();
        check(api.MPI_Initialized(initialized), "MPI_Initialized");
        if (initialized.getValue() == 0) {
            IntByReference provided = new IntByReference();
            check(api.MPI_Init_thread(null, null, MPI_THREAD_FUNNELED, provided), "MPI_Init_thread");
        }
        IntByReference r = new IntByReference();
        check(api.MPI_Comm_rank(world, r), "MPI_Comm_rank");
        IntByReference s = new IntByReference();
        check(api.MPI_Comm_size(world, s), "MPI_Comm_size");
        this.rank = r.getValue();
        this.size = s.getValue();
        // The ranks sharing this machine's memory, in rank order: under mpirun, srun and an MPIJob alike.
        PointerByReference node = new PointerByReference();
        check(api.MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, infoNull, node), "MPI_Comm_split_type");
        IntByReference lr = new IntByReference();
        check(api.MPI_Comm_rank(node.getValue(), lr), "MPI_Comm_rank");
        check(api.MPI_Comm_free(node), "MPI_Comm_free");
        this.localRank = lr.getValue();
        this.watchdog = CollectiveWatchdog.forRank(rank, size);
        byte[] v = new byte[8192];
        IntByReference len = new IntByReference();
        api.MPI_Get_library_version(v, len);
        this.version = new String(v, 0, Math.max(0, Math.min(len.getValue(), v.length)),
                java.nio.charset.StandardCharsets.UTF_8).strip().lines().findFirst().orElse("Open MPI");
    }

    /** Joins the job (once per process; later calls return the same instance). */
    public static synchronized OpenMpi init() {
        if (instance == null) {
            NativeLibrary lib = load();
            // Open MPI would otherwise install handlers for SIGSEGV / SIGBUS, which the JVM uses itself.
            try {
                Native.load("c", LibC.class).setenv("OMPI_MCA_opal_signal", "", 0);
            } catch (UnsatisfiedLinkError e) {
                // No libc to call: Open MPI keeps its defaults.
            }
            Api api = Native.load(lib.getFile() != null ? lib.getFile().getPath() : lib.getName(), Api.class,
                    Map.of(Library.OPTION_OPEN_FLAGS, RTLD_GLOBAL | RTLD_NOW));
            instance = new OpenMpi(api, lib);
        }
        return instance;
    }

    /** Opens Open MPI's libmpi, refusing other MPI implementations; errors name what to install. */
    static NativeLibrary load() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv(LIBRARY_ENV);
        if (env != null && !env.isBlank()) {
            candidates.add(env.strip());
        } else {
            // libmpi.so comes with the dev package; the runtime package alone has libmpi.so.40.
            candidates.add("mpi");
            candidates.add("libmpi.so.40");
            candidates.add("/usr/lib/x86_64-linux-gnu/openmpi/lib/libmpi.so.40");
            candidates.add("/usr/lib64/openmpi/lib/libmpi.so.40");
            candidates.add("/usr/local/lib/libmpi.so.40");
            candidates.add("/opt/openmpi/lib/libmpi.so.40");
        }
        List<String> failures = new ArrayList<>();
        for (String c : candidates) {
            NativeLibrary lib;
            try {
                lib = NativeLibrary.getInstance(c, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_GLOBAL | RTLD_NOW));
            } catch (UnsatisfiedLinkError e) {
                failures.add(c);
                continue;
            }
            try {
                lib.getFunction("MPI_Init_thread");
            } catch (UnsatisfiedLinkError e) {
                throw new MpiUnavailableException(describe(lib) + " is not an MPI library: " + INSTALL_HINT);
            }
            try {
                lib.getGlobalVariableAddress("ompi_mpi_comm_world");
            } catch (UnsatisfiedLinkError e) {
                throw new MpiUnavailableException("the MPI library " + describe(lib) + " is not Open MPI (MPICH, "
                        + "Intel MPI, Cray MPICH and MVAPICH use integer handles and are not supported): "
                        + INSTALL_HINT);
            }
            return lib;
        }
        throw new MpiUnavailableException("--launcher mpi: cannot load Open MPI's library (tried "
                + String.join(", ", failures) + "): " + INSTALL_HINT);
    }

    /**
     * The library {@code --launcher mpi} would use, as {@code tools/env} reports it, without initializing MPI.
     *
     * @throws MpiUnavailableException as {@code --launcher mpi} would, naming what to install
     */
    public static String libraryFile() {
        return describe(load());
    }

    private static String describe(NativeLibrary lib) {
        return lib.getFile() != null ? lib.getFile().getPath() : lib.getName();
    }

    /** The library's version line, e.g. {@code Open MPI v4.1.4, ...}. */
    public String version() {
        return version;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int localRank() {
        return localRank;
    }

    @Override
    public void allReduceSumFloats(ByteBuffer buffer) {
        requireDirect(buffer);
        long count = buffer.limit() / Float.BYTES;
        Pointer base = Native.getDirectBufferPointer(buffer);
        for (long done = 0; done < count; done += MAX_COUNT) {
            int n = (int) Math.min(MAX_COUNT, count - done);
            Pointer part = base.share(done * Float.BYTES);
            check(watchdog.run("MPI_Allreduce", () -> api.MPI_Allreduce(IN_PLACE, part, n, floatType, sum, world)),
                    "MPI_Allreduce");
        }
    }

    @Override
    public void allReduceSumDoubles(double[] values) {
        if (size == 1 || values.length == 0) {
            return;
        }
        ByteBuffer b = Collective.allocate(values.length * Double.BYTES);
        b.asDoubleBuffer().put(values);
        Pointer p = Native.getDirectBufferPointer(b);
        check(watchdog.run("MPI_Allreduce", () -> api.MPI_Allreduce(IN_PLACE, p, values.length, doubleType, sum,
                world)), "MPI_Allreduce");
        b.asDoubleBuffer().get(values);
    }

    @Override
    public PendingSum startSumDoubles(double[] values) {
        if (size == 1 || values.length == 0) {
            return () -> values;
        }
        // Referenced by the pending sum until it completes: MPI writes the result into this memory.
        ByteBuffer b = Collective.allocate(values.length * Double.BYTES);
        b.asDoubleBuffer().put(values);
        Pointer p = Native.getDirectBufferPointer(b);
        PointerByReference request = new PointerByReference();
        check(api.MPI_Iallreduce(IN_PLACE, p, values.length, doubleType, sum, world, request), "MPI_Iallreduce");
        return new PendingSum() {
            private boolean done;

            @Override
            public double[] await() {
                if (!done) {
                    check(watchdog.run("MPI_Wait", () -> api.MPI_Wait(request, null)), "MPI_Wait");
                    b.asDoubleBuffer().get(values);
                    done = true;
                }
                return values;
            }
        };
    }

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        requireDirect(buffer);
        long count = buffer.limit();
        Pointer base = Native.getDirectBufferPointer(buffer);
        for (long done = 0; done < count; done += MAX_COUNT) {
            int n = (int) Math.min(MAX_COUNT, count - done);
            Pointer part = base.share(done);
            check(watchdog.run("MPI_Bcast", () -> api.MPI_Bcast(part, n, byteType, root, world)), "MPI_Bcast");
        }
    }

    @Override
    public void barrier() {
        check(watchdog.run("MPI_Barrier", () -> api.MPI_Barrier(world)), "MPI_Barrier");
    }

    @Override
    public void abort(int code) {
        // NCCL kernels waiting for a dead peer would otherwise keep this process's GPU busy.
        Nccl.abortAll();
        api.MPI_Abort(world, code);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Nccl.closeAll();
            check(api.MPI_Finalize(), "MPI_Finalize");
        }
    }

    private static void requireDirect(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("collectives need a direct buffer");
        }
    }

    private void check(int rc, String call) {
        if (rc != 0) {
            throw new IllegalStateException(call + " failed with MPI error " + rc + " on rank " + rank);
        }
    }
}
