package org.easycv4j.core.dist;

import java.nio.ByteBuffer;
import org.easycv4j.core.registry.Kind;

/**
 * The processes of one data-parallel job and the collective operations the trainer needs: every process
 * (rank) calls the same operations in the same order. Buffers are direct, in native byte order, and reduced
 * in place. {@link #single()} is the one-process job; {@link OpenMpi} runs over MPI.
 */
public interface Collective extends AutoCloseable {
    /** The registry kind of {@code Collective}s (tools/list launcher): what a config's {@code type} names here. */
    Kind<Collective> KIND = Kind.of("launcher", Collective.class, "how the processes of a job were started and join each other (--launcher)");


    /** This process's index in {@code [0, size())}; rank 0 writes the run's files. */
    int rank();

    /** The number of processes. */
    int size();

    /** This process's index among the processes of its machine (selects its GPU). */
    int localRank();

    /** Rank 0. */
    default boolean isRoot() {
        return rank() == 0;
    }

    /** Adds the float32 values of {@code buffer} (position 0 to limit) over all ranks, in place. */
    void allReduceSumFloats(ByteBuffer buffer);

    /** Adds {@code values} over all ranks, in place (small arrays: counts, sums of losses). */
    void allReduceSumDoubles(double[] values);

    /**
     * Starts adding {@code values} over all ranks without waiting for the others (MPI_Iallreduce); the sums are in
     * {@code values} once {@link PendingSum#await} returns. A rank that awaits it one step later, when every rank
     * has long started its own, finds the sums there instead of waiting for the slowest rank now: no extra meeting
     * point for the ranks. Every rank starts and awaits it at the same point of its sequence of collectives, and
     * awaits it before leaving the job. This default reduces at once.
     */
    default PendingSum startSumDoubles(double[] values) {
        allReduceSumDoubles(values);
        return () -> values;
    }

    /** A reduction under way ({@link #startSumDoubles}). */
    interface PendingSum {
        /** Waits until the reduction is complete (once; later calls return at once) and returns the sums. */
        double[] await();
    }

    /** Copies rank {@code root}'s bytes of {@code buffer} (position 0 to limit) to every rank. */
    void broadcast(ByteBuffer buffer, int root);

    /** Rank {@code root}'s {@code s} on every rank (the others' argument is ignored): its length first, then its bytes. */
    default String broadcastString(String s, int root) {
        if (size() == 1) {
            return s;
        }
        byte[] bytes = rank() == root ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0];
        ByteBuffer length = allocate(Integer.BYTES);
        length.putInt(0, bytes.length);
        broadcast(length, root);
        int n = length.getInt(0);
        // A collective of 0 bytes is legal MPI, but one byte keeps every implementation on the same path.
        ByteBuffer content = allocate(Math.max(1, n));
        content.put(0, bytes);
        broadcast(content, root);
        byte[] out = new byte[n];
        content.get(0, out);
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Returns once every rank has called it. */
    void barrier();

    /**
     * Ends every process of the job with {@code code}, for failures that would leave the other ranks waiting
     * in a collective; does not return when there are other ranks.
     */
    void abort(int code);

    /** Leaves the job (every rank must call it; after a normal end only). */
    @Override
    void close();

    /** One process: every operation is the identity. */
    static Collective single() {
        return SingleProcess.INSTANCE;
    }

    /** A direct buffer in native byte order, as the collectives expect. */
    static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(java.nio.ByteOrder.nativeOrder());
    }
}
