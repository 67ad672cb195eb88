package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.dist.MpiRun;
import org.easycv4j.core.io.SafeTensors;

/**
 * Trainings of the toy config that are stopped by signals: their command lines, the processes that run them, and
 * comparisons of their logs and weights. 512 samples, 16 batches per epoch, 3 epochs, a log line every 4 batches.
 */
final class StopRuns {
    static final Path TOY = Path.of("..", "configs", "toy", "toy_mlp_synthetic.conf").toAbsolutePath().normalize();
    static final Duration LIMIT = Duration.ofMinutes(3);

    private StopRuns() {}

    /** {@code train TOY} into {@code work} with the test hooks available and no plots. */
    static List<String> train(Path work, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", TOY.toString(), "--work-dir", work.toString(),
                "--set", "progress=off", "--set", "total_epochs=3",
                "--set", "modules=[\"" + StopTestModule.class.getName() + "\"]", "--set", "custom_hooks=[]"));
        a.addAll(List.of(extra));
        return a;
    }

    /** {@code --set custom_hooks=[PauseAt ...]}: rank {@code rank} (-1: every rank) waits for a signal after iteration {@code iter}. */
    static String[] pauseAt(long iter, int rank) {
        return new String[] {"--set", "custom_hooks=[{type = PauseAt, iter = " + iter + ", rank = " + rank + "}]"};
    }

    /** The launchers' logging (INFO lines), not the tests' (warnings only). */
    static final String LOGGING = "-Dlogback.configurationFile=" + Path.of("src", "main", "resources", "logback.xml")
            .toAbsolutePath();

    /** The java command of one process (as each rank of {@link MpiRun}), JVM options {@code props} first. */
    static List<String> java(List<String> args, String... props) {
        return withJvmOptions(MpiRun.java(Main.class.getName(), args), props);
    }

    /** The ranks' java command of {@link MpiRun#java}, with the launchers' logging. */
    static List<String> ranks(List<String> args) {
        return withJvmOptions(MpiRun.java(Main.class.getName(), args));
    }

    private static List<String> withJvmOptions(List<String> cmd, String... props) {
        cmd.add(1, LOGGING);
        cmd.addAll(2, List.of(props));
        return cmd;
    }

    /** A started process with its output in a file. */
    record Child(Process process, Path log) {
        static Child start(List<String> command, Path dir) throws IOException {
            Path log = Files.createTempFile(dir, "train", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("OMP_NUM_THREADS", "1");
            return new Child(pb.start(), log);
        }

        /** Waits for the exit (killing it after {@link #LIMIT}); returns the status. */
        int await() throws IOException, InterruptedException {
            if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("still running after " + LIMIT + ":\n" + output());
            }
            return process.exitValue();
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code command} to its end; returns its output after checking its exit status. */
    static String run(List<String> command, Path dir, int status) throws Exception {
        Child c = Child.start(command, dir);
        int code = c.await();
        assertEquals(status, code, c.output());
        return c.output();
    }

    /** Waits until {@code done} holds, failing when {@code process} ended first or after {@link #LIMIT}. */
    static void waitUntil(BooleanSupplier done, Process process, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("no " + what + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
    }

    /** The temporary folder of a checkpoint being written ({@code .iter_21.<random>.tmp}), if any. */
    static boolean writing(Path work, String checkpoint) {
        try (Stream<Path> s = Files.list(work)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("." + checkpoint + "."));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The records of metrics.jsonl by mode and global iteration, the last one of each: a run resumed from an
     * earlier checkpoint than the one it was stopped at logs the iterations between them again.
     */
    static Map<String, JsonObject> records(Path work) throws IOException {
        Map<String, JsonObject> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(work.resolve("metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            for (String timing : List.of("time", "data_time", "memory", "eta")) {
                o.remove(timing);
            }
            out.put(o.get("mode").getAsString() + " " + o.get("global_iter").getAsLong(), o);
        }
        return out;
    }

    /** Logged training losses and validation metrics of two runs, equal to {@code tolerance}. */
    static void assertSameRecords(Map<String, JsonObject> expected, Map<String, JsonObject> actual, double tolerance) {
        assertEquals(expected.keySet(), actual.keySet(), "the same iterations logged");
        for (String k : expected.keySet()) {
            JsonObject e = expected.get(k);
            JsonObject a = actual.get(k);
            assertEquals(e.keySet(), a.keySet(), k);
            for (String f : e.keySet()) {
                if (e.get(f).getAsJsonPrimitive().isNumber()) {
                    assertEquals(e.get(f).getAsDouble(), a.get(f).getAsDouble(), tolerance, k + " " + f);
                } else {
                    assertEquals(e.get(f), a.get(f), k + " " + f);
                }
            }
        }
    }

    /** The largest difference between the weights of two checkpoint folders. */
    static double maxWeightDifference(Path a, Path b) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> wa = SafeTensors.read(a.resolve(Checkpoints.MODEL), m);
            Map<String, NDArray> wb = SafeTensors.read(b.resolve(Checkpoints.MODEL), m);
            assertEquals(wa.keySet(), wb.keySet());
            double max = 0;
            for (String k : wa.keySet()) {
                float[] x = wa.get(k).toFloatArray();
                float[] y = wb.get(k).toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    max = Math.max(max, Math.abs(x[i] - y[i]));
                }
            }
            return max;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file of a complete checkpoint folder is there and readable. */
    static void assertComplete(Path checkpoint) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(!SafeTensors.read(checkpoint.resolve(Checkpoints.MODEL), m).isEmpty(), checkpoint.toString());
            SafeTensors.read(checkpoint.resolve(Checkpoints.OPTIMIZER), m);
            Checkpoints.readJson(checkpoint);
        }
    }
}
