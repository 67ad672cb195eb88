package org.easycv4j.core.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Java main class as an MPI job from a test: {@code mpirun -np N java -cp <test classpath> MAIN ARGS},
 * with all traffic on shared memory and the loopback interface, as root where the tests run as root, and a
 * hard time limit after which the whole process tree is killed.
 */
public final class MpiRun {
    private MpiRun() {}

    /** The output and exit code of a finished (or killed) job. */
    public record Result(int exitCode, String output, boolean timedOut, Duration elapsed) {}

    /** True when {@code mpirun} is on the PATH. */
    public static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "mpirun"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The environment that keeps Open MPI on this machine: the shared-memory and self transports only (no
     * network BTL), ob1 (no UCX / OFI probing), out-of-band traffic on {@code lo}, no oversubscription check.
     */
    public static Map<String, String> loopbackEnv() {
        return Map.of(
                "OMPI_MCA_btl", "self,vader",
                "OMPI_MCA_btl_vader_single_copy_mechanism", "none",
                "OMPI_MCA_btl_tcp_if_include", "lo",
                "OMPI_MCA_oob_tcp_if_include", "lo",
                "OMPI_MCA_pml", "ob1",
                "OMPI_MCA_osc", "^ucx",
                "OMPI_MCA_rmaps_base_oversubscribe", "1",
                "OMPI_MCA_hwloc_base_binding_policy", "none",
                "OMPI_ALLOW_RUN_AS_ROOT", "1",
                "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }

    /** The {@code java} command of this JVM with the test classpath, a small heap and offline DJL. */
    public static List<String> java(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-Dai.djl.offline=true");
        // One thread per rank: the ranks already share the machine's cores.
        cmd.add("-Dai.djl.pytorch.num_threads=1");
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** The java process of rank {@code rank} under {@code mpirun}, told by its {@code OMPI_COMM_WORLD_RANK}. */
    public static java.util.Optional<ProcessHandle> rankProcess(Process mpirun, int rank) {
        return mpirun.descendants().filter(p -> {
            try {
                String env = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"),
                        StandardCharsets.ISO_8859_1);
                return p.info().command().map(c -> c.endsWith("java")).orElse(false)
                        && env.contains("\0OMPI_COMM_WORLD_RANK=" + rank + "\0");
            } catch (IOException e) {
                return false;
            }
        }).findFirst();
    }

    /** Runs {@code command} under {@code mpirun -np ranks} in {@code dir}; kills everything after {@code limit}. */
    public static Result run(int ranks, List<String> command, Path dir, Duration limit) throws IOException,
            InterruptedException {
        return start(ranks, command, dir).await(limit);
    }

    /** Starts the job without waiting. */
    public static Job start(int ranks, List<String> command, Path dir) throws IOException {
        List<String> args = new ArrayList<>(List.of("-np", Integer.toString(ranks)));
        args.addAll(command);
        return startMpirun(args, dir);
    }

    /** One command per rank (MPI's multiple-program form: {@code -np 1 A : -np 1 B}). */
    public static Job startPerRank(List<List<String>> commands, Path dir) throws IOException {
        List<String> args = new ArrayList<>();
        for (List<String> c : commands) {
            if (!args.isEmpty()) {
                args.add(":");
            }
            args.add("-np");
            args.add("1");
            args.addAll(c);
        }
        return startMpirun(args, dir);
    }

    private static Job startMpirun(List<String> args, Path dir) throws IOException {
        return startMpirun(List.of(), loopbackEnv(), args, dir);
    }

    /**
     * {@code prefix mpirun args} in {@code dir} with the environment {@code env} (Open MPI's settings), e.g. a
     * prefix {@code ip netns exec NS} that starts mpirun on another host of a test's own network.
     */
    public static Job startMpirun(List<String> prefix, Map<String, String> env, List<String> args, Path dir)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add("mpirun");
        cmd.addAll(args);
        Path log = Files.createTempFile(dir, "mpirun", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("OMP_NUM_THREADS", "1");
        return new Job(pb.start(), log, System.nanoTime());
    }

    /** A running job. */
    public record Job(Process process, Path log, long startNanos) {
        /** Waits up to {@code limit}, then kills the job's whole process tree. */
        public Result await(Duration limit) throws IOException, InterruptedException {
            boolean done = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            return new Result(done ? process.exitValue() : -1, out, !done, elapsed);
        }

        /** The job's output so far. */
        public String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }
}
