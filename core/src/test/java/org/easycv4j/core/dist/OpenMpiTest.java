package org.easycv4j.core.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenMpiTest {
    @TempDir
    Path dir;

    @Test
    void twoRanksReduceAndBroadcast() throws Exception {
        assumeTrue(MpiRun.available(), "mpirun not installed");
        MpiRun.Result r = MpiRun.run(2, MpiRun.java(CollectiveProbe.class.getName(), List.of()), dir,
                Duration.ofSeconds(120));
        assertFalse(r.timedOut(), r.output());
        assertEquals(0, r.exitCode(), r.output());
        for (int rank = 0; rank < 2; rank++) {
            String o = r.output();
            assertTrue(o.contains("rank " + rank + " size 2 local " + rank), o);
            assertTrue(o.contains("rank " + rank + " floats 3.0 6.0 9.0 12.0 15.0"), o);
            assertTrue(o.contains("rank " + rank + " doubles 1.0 1.0"), o);
            assertTrue(o.contains("rank " + rank + " bcast 10 20 30"), o);
        }
    }

    @Test
    void singleProcessLeavesBuffersAlone() {
        Collective c = Collective.single();
        java.nio.ByteBuffer b = Collective.allocate(8);
        b.putFloat(1.5f).putFloat(-2f).flip();
        c.allReduceSumFloats(b);
        c.broadcast(b, 0);
        assertEquals(1.5f, b.getFloat(0));
        assertEquals(-2f, b.getFloat(4));
        assertEquals(0, c.rank());
        assertEquals(1, c.size());
    }
}
