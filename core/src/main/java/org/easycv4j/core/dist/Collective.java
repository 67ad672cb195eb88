package org.easycv4j.core.dist;

import java.nio.ByteBuffer;

/**
 * The processes of one data-parallel job and the collective operations the trainer needs: every process
 * (rank) calls the same operations in the same order. Buffers are direct, in native byte order, and reduced
 * in place. {@link #single()} is the one-process job; {@link OpenMpi} runs over MPI.
 */
public interface Collective extends AutoCloseable {

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

    /** Copies rank {@code root}'s bytes of {@code buffer} (position 0 to limit) to every rank. */
    void broadcast(ByteBuffer buffer, int root);

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
