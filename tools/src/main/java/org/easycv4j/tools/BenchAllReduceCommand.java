package org.easycv4j.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.model.NamedParameter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-allreduce} (run under mpirun, one process per rank): the time of averaging a model's gradient
 * over the ranks, as the train loop does it, and the bus bandwidth it reaches. Two measurements per size: the
 * MPI all-reduce of one host buffer alone, and the whole gradient path of a step (flatten into 32 MB buckets,
 * copy to host, all-reduce, copy back and scale). Bus bandwidth follows nccl-tests: bytes / time x 2 (n - 1) / n.
 */
@Command(name = "bench-allreduce", mixinStandardHelpOptions = true,
        description = "All-reduce time and bus bandwidth of model gradients between the ranks of an MPI job "
                + "(start it with tools/bench-allreduce, which runs mpirun).")
public final class BenchAllReduceCommand implements Callable<Integer> {
    /** Trainable values of timm's vit_base_patch16_224 (1000 classes) and vit_tiny_patch16_224. */
    private static final long VIT_B16 = 86_567_656L;
    private static final long VIT_TINY = 5_717_416L;

    @Option(names = "--sizes", split = ",", paramLabel = "NAME|FLOATS",
            description = "gradients to reduce: vit-b16, vit-tiny or a number of floats (default: vit-b16,vit-tiny)")
    List<String> sizes = List.of("vit-b16", "vit-tiny");

    @Option(names = "--rounds", defaultValue = "10", description = "timed rounds per size (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed rounds first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws Exception {
        try (Collective c = RankJob.join("mpi")) {
            if (c.isRoot()) {
                System.out.printf(Locale.ROOT, "%d ranks; %d timed rounds after %d warm-up; times are the slowest "
                        + "rank's median%n", c.size(), rounds, warmup);
                System.out.printf(Locale.ROOT, "%-10s %12s %10s  %12s %12s  %12s %12s%n", "gradient", "floats", "MB",
                        "mpi ms", "mpi busbw", "step ms", "step busbw");
            }
            for (String s : sizes) {
                long floats = floats(s);
                double mpi = timeAllReduce(c, floats);
                double step = timeGradientPath(c, floats);
                if (c.isRoot()) {
                    double bytes = floats * 4.0;
                    System.out.printf(Locale.ROOT, "%-10s %12d %10.1f  %12.1f %9.2f GB/s  %12.1f %9.2f GB/s%n", s,
                            floats, bytes / 1e6, mpi * 1e3, busBandwidth(bytes, mpi, c.size()) / 1e9, step * 1e3,
                            busBandwidth(bytes, step, c.size()) / 1e9);
                }
            }
        }
        return 0;
    }

    private static long floats(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "vit-b16", "vit-b/16", "vit-base" -> VIT_B16;
            case "vit-tiny", "vit-ti" -> VIT_TINY;
            default -> {
                try {
                    yield Long.parseLong(name.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new BenchAllReduceCommand()),
                            "--sizes: expected vit-b16, vit-tiny or a number of floats, got \"" + name + "\"");
                }
            }
        };
    }

    static double busBandwidth(double bytes, double seconds, int ranks) {
        return ranks < 2 ? 0 : bytes / seconds * 2 * (ranks - 1) / ranks;
    }

    /** MPI alone: one direct buffer reduced in 32 MB pieces, as the buckets are. */
    private double timeAllReduce(Collective c, long floats) {
        int bucket = (int) (ReplicaSync.BUCKET_BYTES / Float.BYTES);
        ByteBuffer buffer = Collective.allocate((int) Math.min(floats, bucket) * Float.BYTES);
        double[] times = new double[rounds];
        for (int r = -warmup; r < rounds; r++) {
            c.barrier();
            long t0 = System.nanoTime();
            for (long done = 0; done < floats; done += bucket) {
                int n = (int) Math.min(bucket, floats - done);
                buffer.clear().limit(n * Float.BYTES);
                c.allReduceSumFloats(buffer);
            }
            if (r >= 0) {
                times[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return slowestMedian(c, times);
    }

    /** The train loop's path: gradients of parameters shaped like a ViT's (768 x 768 blocks) averaged in buckets. */
    private double timeGradientPath(Collective c, long floats) {
        try (NDManager m = NDManager.newBaseManager(); GradientOps ops = GradientOps.forEngine(m)) {
            List<NamedParameter> params = new ArrayList<>();
            long left = floats;
            for (int i = 0; left > 0; i++) {
                long n = Math.min(768 * 768, left);
                left -= n;
                Parameter p = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).build();
                NDArray a = m.ones(new Shape(n));
                a.setRequiresGradient(true);
                p.setArray(a);
                params.add(new NamedParameter("p" + i, p));
            }
            ReplicaSync sync = new ReplicaSync(c, params, ops, LaunchEnvironment.deviceCollective(System.getenv()));
            double[] times = new double[rounds];
            for (int r = -warmup; r < rounds; r++) {
                c.barrier();
                long t0 = System.nanoTime();
                sync.averageGradients(m);
                if (r >= 0) {
                    times[r] = (System.nanoTime() - t0) / 1e9;
                }
            }
            return slowestMedian(c, times);
        }
    }

    /** The median of this rank's times, then the largest over the ranks (a collective ends with its slowest rank). */
    private static double slowestMedian(Collective c, double[] times) {
        double[] sorted = times.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double[] all = new double[c.size()];
        all[c.rank()] = median;
        c.allReduceSumDoubles(all);
        double max = 0;
        for (double t : all) {
            max = Math.max(max, t);
        }
        return max;
    }
}
