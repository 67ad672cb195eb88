package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.core.dist.MpiRun;
import org.easycv4j.core.testing.Programs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts over TCP, made by the test: two network namespaces joined by a veth pair with addresses of their own
 * (nothing else is reachable from them), one rank in each, Open MPI's TCP transport only (no shared memory; the
 * out-of-band channel over the same link). mpirun runs in the first namespace and starts the second rank's
 * daemon through an rsh agent that enters the second namespace, as ssh would enter another machine. Needs root
 * and iproute2 (network namespaces); skipped with that reason elsewhere.
 */
class TwoHostTcpTest {
    private static final String TAG = "e" + (ProcessHandle.current().pid() % 100000);
    private static final String NS_A = TAG + "a";
    private static final String NS_B = TAG + "b";
    // A subnet of the test's own, different per test JVM so that two builds on one machine do not meet.
    private static final String NET = "10.231." + (ProcessHandle.current().pid() % 250) + ".";
    private static final String HOST_A = NET + "1";
    private static final String HOST_B = NET + "2";
    private static final Duration LIMIT = Duration.ofMinutes(4);

    @TempDir
    static Path shared;
    private static boolean made;

    @BeforeAll
    static void makeTheTwoHosts() throws Exception {
        assumeTrue(MpiRun.available(), "mpirun not installed (apt-get install openmpi-bin libopenmpi-dev)");
        assumeTrue(Programs.runs("ip", "-V"), "iproute2 not installed (apt-get install iproute2)");
        assumeTrue(Programs.runs("ip", "netns", "add", NS_A), "cannot make network namespaces (needs root)");
        made = true;
        ip("netns", "add", NS_B);
        ip("link", "add", TAG + "va", "type", "veth", "peer", "name", TAG + "vb");
        ip("link", "set", TAG + "va", "netns", NS_A);
        ip("link", "set", TAG + "vb", "netns", NS_B);
        ip("-n", NS_A, "addr", "add", HOST_A + "/24", "dev", TAG + "va");
        ip("-n", NS_B, "addr", "add", HOST_B + "/24", "dev", TAG + "vb");
        for (String[] nd : new String[][] {{NS_A, TAG + "va"}, {NS_B, TAG + "vb"}}) {
            ip("-n", nd[0], "link", "set", nd[1], "up");
            ip("-n", nd[0], "link", "set", "lo", "up");
        }
        Files.writeString(shared.resolve("hosts"), HOST_A + " slots=1\n" + HOST_B + " slots=1\n");
        // The rsh agent: "agent [ssh options] HOST COMMAND", COMMAND run in HOST's namespace.
        Path agent = shared.resolve("netns-ssh");
        Files.writeString(agent, "#!/bin/sh\nwhile [ $# -gt 0 ]; do case \"$1\" in -*) shift ;; *) break ;; esac; done\n"
                + "host=$1; shift\ncase \"$host\" in " + HOST_A + ") ns=" + NS_A + " ;; " + HOST_B + ") ns=" + NS_B
                + " ;; *) echo \"netns-ssh: unknown host $host\" >&2; exit 255 ;; esac\n"
                + "exec ip netns exec \"$ns\" /bin/sh -c \"$*\"\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void removeThem() throws Exception {
        if (made) {
            // Removing a namespace removes its end of the veth pair, and with it the other end.
            Programs.runs("ip", "netns", "del", NS_A);
            Programs.runs("ip", "netns", "del", NS_B);
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    /** Open MPI over the two namespaces' link only: TCP between the ranks, the out-of-band channel alike. */
    static Map<String, String> tcpEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMPI_MCA_orte_default_hostfile", shared.resolve("hosts").toString());
        env.put("OMPI_MCA_plm_rsh_agent", shared.resolve("netns-ssh").toString());
        env.put("OMPI_MCA_btl", "self,tcp");
        env.put("OMPI_MCA_btl_tcp_if_include", NET + "0/24");
        env.put("OMPI_MCA_oob_tcp_if_include", NET + "0/24");
        env.put("OMPI_MCA_pml", "ob1");
        env.put("OMPI_MCA_osc", "^ucx");
        env.put("OMPI_MCA_hwloc_base_binding_policy", "none");
        env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        return env;
    }

    private static MpiRun.Job startOverTcp(List<String> command, Path dir) throws IOException {
        List<String> args = new ArrayList<>(List.of("-np", "2"));
        args.addAll(command);
        return MpiRun.startMpirun(List.of("ip", "netns", "exec", NS_A), tcpEnv(), args, dir);
    }

    @Test
    void twoHostsOverTcpTrainLikeOneProcessWithTheWholeBatch(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one");
        DistributedTrainingTest.trainHere(DistributedTrainingTest.maeArgs(one, 8));
        Path two = dir.resolve("two");
        List<String> a = new ArrayList<>(DistributedTrainingTest.maeArgs(two, 4));
        a.addAll(List.of("--launcher", "mpi"));
        MpiRun.Result r = startOverTcp(MpiRun.java(Main.class.getName(), a), dir).await(LIMIT);
        assertFalse(r.timedOut(), r.output());
        assertEquals(0, r.exitCode(), r.output());
        DistributedTrainingTest.assertMaeRunsAlike(one, two);
    }

    @Test
    void aRankKilledOnTheOtherHostEndsTheJobWithinAMinuteNamingIt(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        MpiRun.Job job = startOverTcp(DistributedFaultsTest.longRun(work), dir);
        DistributedFaultsTest.awaitEpoch2(job, work);
        ProcessHandle rank1 = MpiRun.rankProcess(job.process(), 1).orElseThrow(() ->
                new AssertionError("rank 1 not found under mpirun"));
        ProcessHandle rank0 = MpiRun.rankProcess(job.process(), 0).orElseThrow(() ->
                new AssertionError("rank 0 not found under mpirun"));
        // Each rank on its own "host": its own network namespace, the link's address there.
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc", Long.toString(rank0.pid()), "ns", "net")),
                Files.readSymbolicLink(Path.of("/proc", Long.toString(rank1.pid()), "ns", "net")));
        DistributedFaultsTest.assertKillingEndsTheJob(job, rank1);
    }

    @Test
    void benchAllReduceRunsOverTheLink(@TempDir Path dir) throws Exception {
        // tools/bench-allreduce's command, under the same mpirun a user would start on two hosts.
        MpiRun.Result r = startOverTcp(MpiRun.java(Main.class.getName(), List.of("bench-allreduce", "--sizes",
                "vit-tiny", "--rounds", "2", "--warmup", "1")), dir).await(LIMIT);
        assertFalse(r.timedOut(), r.output());
        assertEquals(0, r.exitCode(), r.output());
        Matcher m = Pattern.compile("vit-tiny\\s+(\\d+)\\s+[0-9.]+\\s+([0-9.]+)\\s+([0-9.]+) GB/s").matcher(r.output());
        assertTrue(m.find(), r.output());
        assertTrue(Double.parseDouble(m.group(2)) > 0 && Double.parseDouble(m.group(3)) > 0, r.output());
    }
}
