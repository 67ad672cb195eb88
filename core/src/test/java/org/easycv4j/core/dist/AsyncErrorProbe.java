package org.easycv4j.core.dist;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * Rank 1 of 4 with a communicator of the stand-in NCCL library {@code args[0]} (NcclAsyncErrorTest): it
 * enqueues an all-reduce, then waits in a host call while the communicator reports a peer's failure.
 */
public final class AsyncErrorProbe {
    private AsyncErrorProbe() {}

    public static void main(String[] args) {
        Nccl nccl = Nccl.load(args[0]);
        Memory comm = new Memory(8);
        comm.clear();
        Nccl.Communicator c = nccl.open(comm, 1, CollectiveWatchdog.forRank(1, 4));
        c.allReduceSum(Pointer.NULL, 0);
        CollectiveWatchdog calls = CollectiveWatchdog.forRank(1, 4);
        System.out.println("waiting in MPI_Barrier");
        System.out.flush();
        calls.run("MPI_Barrier", () -> {
            comm.setInt(0, 6);
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        });
        System.out.println("passed the barrier");
    }
}
