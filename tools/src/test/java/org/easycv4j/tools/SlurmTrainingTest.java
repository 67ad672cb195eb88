package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slurm recipe of docs/distributed.md ({@code configs/launch/slurm_train.sbatch}) submitted to a real
 * single-node Slurm cluster started by the test: 2 tasks through {@code srun --mpi=pmix} train like one process
 * with the doubled batch.
 */
class SlurmTrainingTest {
    private static final Path RECIPE = Path.of("..", "configs", "launch", "slurm_train.sbatch").toAbsolutePath()
            .normalize();

    @TempDir
    static Path shared;
    private static SlurmCluster cluster;

    @BeforeAll
    static void startTheCluster() throws Exception {
        Optional<String> why = SlurmCluster.unavailable();
        assumeTrue(why.isEmpty(), () -> why.get());
        cluster = new SlurmCluster(Files.createDirectories(shared.resolve("slurm")));
    }

    @AfterAll
    static void stopIt() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A submit folder whose {@code tools/train} is this build's trainer (the test's class path), and the recipe
     * with its node and GPU lines set for one CPU node and {@code tasks} tasks.
     */
    private static Path submitFolder(Path dir, int tasks) throws Exception {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Path train = tools.resolve("train");
        List<String> java = StopRuns.ranks(new ArrayList<>(List.of("train")));
        Files.writeString(train, "#!/bin/sh\nexec " + java.stream().map(a -> "'" + a + "'")
                .collect(Collectors.joining(" ")) + " \"$@\"\n");
        Files.setPosixFilePermissions(train, PosixFilePermissions.fromString("rwxr-xr-x"));
        String recipe = Files.readString(RECIPE).lines()
                .filter(l -> !l.startsWith("#SBATCH --gpus-per-node"))
                .map(l -> l.startsWith("#SBATCH --nodes=") ? "#SBATCH --nodes=1"
                        : l.startsWith("#SBATCH --ntasks-per-node=") ? "#SBATCH --ntasks-per-node=" + tasks
                        : l.startsWith("#SBATCH --cpus-per-task=") ? "#SBATCH --cpus-per-task=1" : l)
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(dir.resolve("job.sbatch"), recipe);
        return dir;
    }

    /** sbatch --wait of the recipe with {@code env} and the trainer's {@code args}, started; its output in a file. */
    private static Process submit(Path dir, Map<String, String> env, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--wait", "--time=10", "--chdir=" + dir,
                "--output=" + dir.resolve("slurm-%j.out"), dir.resolve("job.sbatch").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sbatch.txt").toFile());
        pb.environment().putAll(cluster.env());
        pb.environment().putAll(env);
        // One node: shared memory between the ranks, copies through its fragments (container-safe).
        pb.environment().put("OMPI_MCA_btl", "self,vader");
        pb.environment().put("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
        pb.environment().put("OMPI_MCA_pml", "ob1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    /** Waits for sbatch --wait (the job's end, requeued runs included); returns the job's exit code. */
    private static int await(Process sbatch, Path dir) throws Exception {
        if (!sbatch.waitFor(8, TimeUnit.MINUTES)) {
            sbatch.destroyForcibly();
            throw new AssertionError("sbatch --wait did not return in 8 minutes" + jobOutput(dir));
        }
        String out = Files.readString(dir.resolve("sbatch.txt"));
        assertTrue(out.contains("Submitted batch job"), out);
        return sbatch.exitValue();
    }

    private static int submitAndWait(Path dir, Map<String, String> env, List<String> args) throws Exception {
        return await(submit(dir, env, args), dir);
    }

    /** The job id sbatch printed. */
    private static String jobId(Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = Pattern.compile("Submitted batch job (\\d+)").matcher(Files.readString(dir.resolve("sbatch.txt")));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sbatch printed no job id: " + Files.readString(dir.resolve("sbatch.txt")));
    }

    private static String jobOutput(Path dir) throws Exception {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("slurm-")).toList()) {
                b.append("\n--- ").append(f).append('\n').append(Files.readString(f));
            }
        }
        return b.toString();
    }

    @Test
    void twoTasksUnderSrunTrainLikeOneProcessWithTheWholeBatch(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one");
        DistributedTrainingTest.trainHere(DistributedTrainingTest.maeArgs(one, 8));
        Path two = dir.resolve("two");
        List<String> a = DistributedTrainingTest.maeArgs(two, 4);
        // The recipe passes CONFIG and WORK_DIR itself, then the rest.
        assertEquals(List.of("train", "--work-dir"), List.of(a.get(0), a.get(2)));
        Path submit = submitFolder(Files.createDirectories(dir.resolve("submit")), 2);
        int code = submitAndWait(submit, Map.of("CONFIG", a.get(1), "WORK_DIR", a.get(3)), a.subList(4, a.size()));
        assertEquals(0, code, jobOutput(submit));
        // 24 images in batches of 4: 3 logged steps only when 2 ranks shared each batch of 8.
        DistributedTrainingTest.assertMaeRunsAlike(one, two);
    }

    /**
     * Preemption as Slurm does it: USR1 to every task of the job (what {@code --signal=USR1@120} sends before the
     * time limit), while rank 0 waits after iteration 20. Both ranks stop at the next boundary, rank 0 writes the
     * checkpoint, srun returns 75, the recipe requeues the job, and its second start continues with
     * {@code --auto-resume}: the same records and weights as the uninterrupted 2-rank run, bit for bit.
     */
    @Test
    void usr1ThenRequeueContinuesExactlyWithAutoResume(@TempDir Path dir) throws Exception {
        Path reference = dir.resolve("reference");
        List<String> ref = new ArrayList<>(StopRuns.train(reference, "--set", "data.imgs_per_gpu=16",
                "--launcher", "mpi"));
        org.easycv4j.core.dist.MpiRun.Result r = org.easycv4j.core.dist.MpiRun.run(2, StopRuns.ranks(ref), dir,
                StopRuns.LIMIT);
        assertEquals(0, r.exitCode(), "reference run: " + r + " " + StopRuns.ranks(ref));

        Path work = dir.resolve("work");
        List<String> a = new ArrayList<>(StopRuns.train(work, "--set", "data.imgs_per_gpu=16"));
        a.addAll(List.of(StopRuns.pauseAt(20, 0)));
        assertEquals(List.of("train", "--work-dir"), List.of(a.get(0), a.get(2)));
        Path submit = submitFolder(Files.createDirectories(dir.resolve("submit")), 2);
        Process sbatch = submit(submit, Map.of("CONFIG", a.get(1), "WORK_DIR", a.get(3)), a.subList(4, a.size()));
        String job = jobId(submit);
        StopRuns.waitUntil(() -> Files.exists(work.resolve("paused_0")), sbatch, "pause of rank 0",
                submit.resolve("sbatch.txt"));
        cluster.output(List.of("scancel", "--signal=USR1", job));
        // Requeued: Slurm holds a requeued job back about 2 minutes (so that no late message of the first run
        // meets the second), then starts it again; the test waits for that, as a cluster would.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        boolean requeued = false;
        while (!requeued && System.nanoTime() < deadline) {
            String show = cluster.output(List.of("scontrol", "show", "job", job));
            requeued = show.contains("Restarts=1");
            if (!requeued) {
                Thread.sleep(300);
            }
        }
        assertTrue(requeued, "the job was not requeued" + jobOutput(submit));
        // The job's own record of its second run (sbatch --wait may return when the first run ends).
        String state = "";
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (System.nanoTime() < deadline) {
            state = cluster.output(List.of("scontrol", "show", "job", job));
            if (state.contains("JobState=COMPLETED") || state.contains("JobState=FAILED")
                    || state.contains("JobState=CANCELLED") || state.contains("JobState=TIMEOUT")) {
                break;
            }
            Thread.sleep(300);
        }
        sbatch.destroy();
        assertTrue(state.contains("JobState=COMPLETED") && state.contains("Restarts=1") && state.contains("ExitCode=0:0"),
                state + jobOutput(submit) + "\n--- slurmctld.log\n" + cluster.logTail());

        String log = jobOutput(submit);
        assertTrue(log.contains("SIGUSR1 received"), log);
        assertTrue(log.contains("Exited with exit code 75"), "srun returned the ranks' status: " + log);
        assertTrue(log.contains("auto_resume: continuing from " + work.resolve("iter_")), log);
        StopRuns.assertSameRecords(StopRuns.records(reference), StopRuns.records(work), 0);
        assertEquals(0, StopRuns.maxWeightDifference(reference.resolve("epoch_3"), work.resolve("epoch_3")));
    }
}
