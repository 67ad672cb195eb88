package org.easycv4j.core.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * NCCL's selection and set-up logic without a GPU: the mode switch, the fallback and the error when the library
 * is missing, and the unique id travelling from rank 0 over the job's collective.
 */
class NcclTest {

    /** Rank {@code rank} of 2; a broadcast delivers {@code fromRoot} (rank 0's bytes). */
    private static Collective rankOf2(int rank, byte fromRoot) {
        return new Collective() {
            @Override
            public int rank() {
                return rank;
            }

            @Override
            public int size() {
                return 2;
            }

            @Override
            public int localRank() {
                return rank;
            }

            @Override
            public void allReduceSumFloats(ByteBuffer buffer) {}

            @Override
            public void allReduceSumDoubles(double[] values) {}

            @Override
            public void broadcast(ByteBuffer buffer, int root) {
                assertEquals(0, root);
                if (rank != root) {
                    for (int i = 0; i < buffer.limit(); i++) {
                        buffer.put(i, fromRoot);
                    }
                }
            }

            @Override
            public void barrier() {}

            @Override
            public void abort(int code) {}

            @Override
            public void close() {}
        };
    }

    private static final Supplier<Nccl> MISSING = () -> {
        throw new NcclUnavailableException("cannot load NCCL's library libnccl.so.2: " + Nccl.INSTALL_HINT);
    };
    private static final Supplier<Nccl> NOT_CALLED = () -> {
        throw new AssertionError("NCCL must not be loaded here");
    };

    @Test
    void theModeComesFromTheEnvironmentVariable() {
        assertEquals(Nccl.Mode.AUTO, Nccl.Mode.parse(null));
        assertEquals(Nccl.Mode.AUTO, Nccl.Mode.parse(" "));
        assertEquals(Nccl.Mode.AUTO, Nccl.Mode.parse("auto"));
        assertEquals(Nccl.Mode.OFF, Nccl.Mode.parse("0"));
        assertEquals(Nccl.Mode.ON, Nccl.Mode.parse("1"));
        assertEquals(Nccl.Mode.ON, Nccl.Mode.parse("ON"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Nccl.Mode.parse("yes"));
        assertEquals("EASYCV4J_NCCL=yes: expected auto, 0 or 1", e.getMessage());
    }

    @Test
    void withoutNcclGpuRanksFallBackToMpiAndSayWhy() {
        String[] why = new String[1];
        assertTrue(Nccl.select(rankOf2(1, (byte) 0), Optional.of(0), Nccl.Mode.AUTO, MISSING, why).isEmpty());
        assertTrue(why[0].startsWith("cannot load NCCL's library libnccl.so.2"), why[0]);
        assertTrue(why[0].contains("dist_params.backend = host"), why[0]);
    }

    @Test
    void forcedNcclWithoutTheLibraryIsAnErrorNamingTheRank() {
        NcclUnavailableException e = assertThrows(NcclUnavailableException.class,
                () -> Nccl.select(rankOf2(1, (byte) 0), Optional.of(1), Nccl.Mode.ON, MISSING, new String[1]));
        assertTrue(e.getMessage().startsWith("dist_params.backend = nccl on rank 1: cannot load NCCL's library "
                + "libnccl.so.2"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install libnccl2"), e.getMessage());
    }

    @Test
    void cpuRanksOneProcessAndTheOffSwitchNeverLoadNccl() {
        String[] why = new String[1];
        assertTrue(Nccl.select(rankOf2(0, (byte) 0), Optional.empty(), Nccl.Mode.ON, NOT_CALLED, why).isEmpty());
        assertEquals("CPU tensors", why[0]);
        assertTrue(Nccl.select(Collective.single(), Optional.of(0), Nccl.Mode.ON, NOT_CALLED, why).isEmpty());
        assertEquals("one process", why[0]);
        assertTrue(Nccl.select(rankOf2(0, (byte) 0), Optional.of(0), Nccl.Mode.OFF, NOT_CALLED, why).isEmpty());
        assertEquals("dist_params.backend = host", why[0]);
    }

    @Test
    void theRealLibraryIsMissingHereAndTheErrorSaysWhatToInstall() {
        Nccl loaded = null;
        NcclUnavailableException error = null;
        try {
            loaded = Nccl.load();
        } catch (NcclUnavailableException e) {
            error = e;
        }
        assumeTrue(loaded == null && System.getenv(Nccl.LIBRARY_ENV) == null, "NCCL is installed on this machine");
        assertEquals("cannot load NCCL's library libnccl.so.2: " + Nccl.INSTALL_HINT, error.getMessage());
    }

    @Test
    void rankZerosUniqueIdReachesEveryRank() {
        byte[] made = new byte[Nccl.UNIQUE_ID_BYTES];
        for (int i = 0; i < made.length; i++) {
            made[i] = (byte) (i * 7 + 3);
        }
        assertArrayEquals(made, Nccl.sharedId(Collective.single(), () -> made.clone()));
        assertArrayEquals(made, Nccl.sharedId(rankOf2(0, (byte) 0), () -> made.clone()));

        byte[] expected = new byte[Nccl.UNIQUE_ID_BYTES];
        java.util.Arrays.fill(expected, (byte) 0x5a);
        assertArrayEquals(expected, Nccl.sharedId(rankOf2(1, (byte) 0x5a), () -> {
            throw new AssertionError("only rank 0 makes the id");
        }));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Nccl.sharedId(Collective.single(), () -> new byte[16]));
        assertTrue(e.getMessage().contains("128 bytes, not 16"), e.getMessage());
    }
}
