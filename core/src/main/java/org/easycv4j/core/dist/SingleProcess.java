package org.easycv4j.core.dist;

import java.nio.ByteBuffer;

/** The job of one process: rank 0 of 1; reductions and broadcasts leave the buffers as they are. */
final class SingleProcess implements Collective {
    static final SingleProcess INSTANCE = new SingleProcess();

    private SingleProcess() {}

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public int localRank() {
        return 0;
    }

    @Override
    public void allReduceSumFloats(ByteBuffer buffer) {}

    @Override
    public void allReduceSumDoubles(double[] values) {}

    @Override
    public void broadcast(ByteBuffer buffer, int root) {
        if (root != 0) {
            throw new IllegalArgumentException("root " + root + " is not a rank of a one-process job");
        }
    }

    @Override
    public void barrier() {}

    @Override
    public void abort(int code) {}

    @Override
    public void close() {}
}
