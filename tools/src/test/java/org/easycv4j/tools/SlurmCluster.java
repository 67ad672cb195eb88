package org.easycv4j.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.testing.Programs;

/**
 * A real single-node Slurm cluster for a test, on loopback: munged with a key of its own, slurmctld and slurmd with
 * a configuration, state, spool and logs in one folder, on ports chosen free at start. Debian's slurm-wlm and
 * munge (.ci/run installs them); the daemons run as root, as a cluster's do. {@link #close} cancels every job and
 * stops the daemons.
 */
final class SlurmCluster implements AutoCloseable {
    private static final String[] PROGRAMS = {"munged", "slurmctld", "slurmd", "sbatch", "srun", "scancel", "sinfo",
        "squeue", "scontrol"};

    final Path dir;
    final Path conf;
    private Path confWritten;
    private final List<Path> pidFiles = new ArrayList<>();

    /** Why a cluster cannot be started here, or empty when it can. */
    static Optional<String> unavailable() {
        for (String p : PROGRAMS) {
            if (!Programs.runs("sh", "-c", "command -v " + p)) {
                return Optional.of(p + " not installed (apt-get install slurm-wlm munge)");
            }
        }
        if (!Programs.runs("sh", "-c", "[ \"$(id -u)\" = 0 ]")) {
            return Optional.of("the Slurm daemons of the test run as root; this build does not");
        }
        return Optional.empty();
    }

    SlurmCluster(Path dir) throws Exception {
        this.dir = dir;
        Path munge = Files.createDirectories(dir.resolve("munge"));
        Path key = munge.resolve("munge.key");
        byte[] bytes = new byte[1024];
        new SecureRandom().nextBytes(bytes);
        Files.write(key, bytes);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(munge, PosixFilePermissions.fromString("rwx------"));
        Path socket = munge.resolve("munge.socket");
        pidFiles.add(munge.resolve("munged.pid"));
        run(List.of("munged", "--key-file=" + key, "--socket=" + socket, "--pid-file=" + munge.resolve("munged.pid"),
                "--log-file=" + munge.resolve("munged.log"), "--seed-file=" + munge.resolve("seed"), "--force"));
        String host = InetAddress.getLocalHost().getHostName();
        int cpus = Runtime.getRuntime().availableProcessors();
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("spool"));
        conf = dir.resolve("slurm.conf");
        confWritten = conf;
        Files.writeString(conf, String.join("\n",
                "ClusterName=easycv4jtest",
                "SlurmctldHost=" + host + "(127.0.0.1)",
                "SlurmUser=root",
                "SlurmdUser=root",
                "SlurmctldPort=" + freePort(),
                "SlurmdPort=" + freePort(),
                "AuthType=auth/munge",
                "AuthInfo=socket=" + socket,
                "CredType=cred/munge",
                "StateSaveLocation=" + dir.resolve("state"),
                "SlurmdSpoolDir=" + dir.resolve("spool"),
                "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
                "SlurmctldLogFile=" + dir.resolve("slurmctld.log"),
                "SlurmdLogFile=" + dir.resolve("slurmd.log"),
                // No cgroups in a test machine or container: processes are tracked by their parent ids.
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "MpiDefault=none",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "SchedulerType=sched/builtin",
                // A pending job that became eligible (a requeued one after its delay) starts within seconds.
                "SchedulerParameters=sched_interval=2",
                "ReturnToService=2",
                "JobRequeue=1",
                "KillWait=30",
                "NodeName=" + host + " NodeAddr=127.0.0.1 CPUs=" + cpus + " State=UNKNOWN",
                "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4",
                ""));
        pidFiles.add(dir.resolve("slurmctld.pid"));
        pidFiles.add(dir.resolve("slurmd.pid"));
        run(List.of("slurmctld", "-f", conf.toString()));
        run(List.of("slurmd", "-f", conf.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String state = "";
        while (System.nanoTime() < deadline) {
            state = output(List.of("sinfo", "-h", "-o", "%t")).strip();
            if (state.equals("idle")) {
                return;
            }
            Thread.sleep(300);
        }
        close();
        throw new IllegalStateException("the test's Slurm node did not become idle within 60 s (state \"" + state
                + "\"); " + dir.resolve("slurmctld.log") + ", " + dir.resolve("slurmd.log"));
    }

    /** The environment every Slurm command of the test needs: this cluster's configuration. */
    Map<String, String> env() {
        return confWritten == null ? Map.of() : Map.of("SLURM_CONF", confWritten.toString());
    }

    /** Runs a Slurm command against this cluster; fails on a non-zero exit; returns its standard output. */
    String output(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + ": no answer in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** The controller's and the node daemon's last log lines, for a failed test's message. */
    String logTail() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String name : new String[] {"slurmctld.log", "slurmd.log"}) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                List<String> lines = Files.readAllLines(f);
                b.append("--- ").append(name).append('\n');
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        }
        return b.toString();
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        output(command);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (String id : output(List.of("squeue", "-h", "-o", "%i")).split("\\s+")) {
                if (!id.isBlank()) {
                    output(List.of("scancel", id));
                }
            }
        } catch (RuntimeException | IOException e) {
            // the controller may already be gone; the daemons are stopped below either way
        }
        for (int i = pidFiles.size() - 1; i >= 0; i--) {
            Path pid = pidFiles.get(i);
            if (Files.isRegularFile(pid)) {
                long p = Long.parseLong(Files.readString(pid).strip());
                ProcessHandle.of(p).ifPresent(h -> {
                    h.destroy();
                    try {
                        h.onExit().get(15, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        h.destroyForcibly();
                    }
                });
            }
        }
    }
}
