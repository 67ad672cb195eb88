package org.easycv4j.core.dist;

import java.nio.ByteBuffer;

/** Runs every collective once with values that reveal the rank; prints one line per check. */
public final class CollectiveProbe {
    private CollectiveProbe() {}

    public static void main(String[] args) {
        try (Collective c = OpenMpi.init()) {
            int r = c.rank();
            System.out.println("rank " + r + " size " + c.size() + " local " + c.localRank());
            // 5 floats: element i of rank r is (r + 1) * (i + 1); the sum over 2 ranks is 3 * (i + 1).
            ByteBuffer b = Collective.allocate(5 * Float.BYTES);
            for (int i = 0; i < 5; i++) {
                b.putFloat((r + 1) * (i + 1f));
            }
            b.flip();
            c.allReduceSumFloats(b);
            StringBuilder sum = new StringBuilder("rank " + r + " floats");
            for (int i = 0; i < 5; i++) {
                sum.append(' ').append(b.getFloat(i * Float.BYTES));
            }
            System.out.println(sum);
            double[] d = {r, 0.5};
            c.allReduceSumDoubles(d);
            System.out.println("rank " + r + " doubles " + d[0] + " " + d[1]);
            ByteBuffer bytes = Collective.allocate(3);
            bytes.put((byte) (10 + r)).put((byte) (20 + r)).put((byte) (30 + r)).flip();
            c.broadcast(bytes, 0);
            System.out.println("rank " + r + " bcast " + bytes.get(0) + " " + bytes.get(1) + " " + bytes.get(2));
            c.barrier();
        }
    }
}
