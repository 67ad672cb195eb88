package org.easycv4j.core.dist;

/** Rank 1 never reaches the barrier (it sleeps far past any test's limit); rank 0 waits in it. */
public final class HangProbe {
    private HangProbe() {}

    public static void main(String[] args) throws InterruptedException {
        Collective c = OpenMpi.init();
        System.out.println("rank " + c.rank() + " started");
        if (c.rank() == 1) {
            Thread.sleep(600_000);
        }
        c.barrier();
        System.out.println("rank " + c.rank() + " passed the barrier");
    }
}
