package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.easycv4j.core.testing.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.AnnotationIntrospector;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Kubernetes recipe of docs/distributed.md, {@code configs/launch/mpijob.yaml}, checked without a cluster: the
 * MPIJob against the Kubeflow MPI Operator's v2beta1 API as the test's own JSON Schema
 * ({@code kubernetes/mpijob-v2beta1.schema.json}, written from mpi-operator v0.8.0), its two pod templates against
 * Kubernetes' own model read strictly, the preemption settings the docs promise, and the two shell scripts that
 * stand as PID 1 of the containers, run as PID 1 of a PID namespace of their own (needs root; skipped elsewhere).
 */
class KubernetesManifestTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path MANIFEST = ROOT.resolve("configs/launch/mpijob.yaml");
    private static final Duration LIMIT = Duration.ofSeconds(60);

    // Duplicate keys: the API server refuses them, while a tree would silently keep the last one.
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Schema SCHEMA = loadSchema();
    private static final JsonMapper KUBERNETES = strictKubernetesModel();

    private static Schema loadSchema() {
        String name = "/kubernetes/mpijob-v2beta1.schema.json";
        try (InputStream in = KubernetesManifestTest.class.getResourceAsStream(name)) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * fabric8's model keeps unknown fields in a catch-all map and Jackson turns "300" into 300, where the API server
     * (strict field validation, kubectl's default) refuses both: without the catch-all and without coercion from
     * strings and numbers, a template the server would refuse fails here too.
     */
    private static JsonMapper strictKubernetesModel() {
        AnnotationIntrospector noCatchAll = new JacksonAnnotationIntrospector() {
            @Override
            public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
                return Boolean.FALSE;
            }
        };
        return JsonMapper.builder()
                .annotationIntrospector(noCatchAll)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    /** Every problem of an MPIJob, each starting with the JSON Pointer of the offending value (as the schema's do). */
    static List<String> problems(JsonNode job) {
        List<String> out = new ArrayList<>();
        SCHEMA.validate(job).forEach(e -> out.add(e.toString()));
        JsonNode specs = job.at("/spec/mpiReplicaSpecs");
        for (Map.Entry<String, JsonNode> replica : specs.properties()) {
            JsonNode template = replica.getValue().path("template");
            if (!template.isObject()) {
                continue; // the schema has said so already
            }
            String at = "/spec/mpiReplicaSpecs/" + replica.getKey() + "/template";
            try {
                KUBERNETES.treeToValue(template, PodTemplateSpec.class);
            } catch (JacksonException e) { // Jackson stops at a template's first problem
                String what = e instanceof UnrecognizedPropertyException ? "unknown field"
                        : e.getOriginalMessage().lines().findFirst().orElse("")
                                .replaceFirst(" \\(but might if coercion.*", "");
                out.add(at + pointer(e.getPath()) + ": " + what);
            }
        }
        int replicas = job.at("/spec/mpiReplicaSpecs/Worker/replicas").asInt(1);
        String lastWorker = job.at("/metadata/name").asString("") + "-worker-" + (replicas - 1);
        if (lastWorker.length() > 63) {
            out.add("/metadata/name: " + lastWorker
                    + " (a worker's hostname) is longer than a DNS label's 63 characters");
        }
        return out;
    }

    private static String pointer(List<JacksonException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : path) {
            if (r.getPropertyName() != null) {
                b.append('/').append(r.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else if (r.getIndex() >= 0) {
                b.append('/').append(r.getIndex());
            }
        }
        return b.toString();
    }

    private static ObjectNode manifest() throws IOException {
        return (ObjectNode) YAML.readTree(Files.readString(MANIFEST));
    }

    private static ObjectNode at(JsonNode root, String pointer) {
        JsonNode n = root.at(pointer);
        assertTrue(n.isObject(), pointer + " is not an object in " + MANIFEST);
        return (ObjectNode) n;
    }

    private static String script(JsonNode job, String replica) {
        JsonNode c = job.at("/spec/mpiReplicaSpecs/" + replica + "/template/spec/containers/0");
        assertEquals("[\"/bin/bash\",\"-c\"]", c.path("command").toString(), replica + "'s command");
        return c.at("/args/0").asString();
    }

    @Test
    void theShippedManifestIsAValidMpiJob() throws IOException {
        assertEquals(List.of(), problems(manifest()));
    }

    @Test
    void theDocsShowTheShippedManifest() throws IOException {
        String docs = Files.readString(ROOT.resolve("docs/distributed.md"));
        Matcher block = Pattern.compile("(?s)## Kubernetes \\(Kubeflow MPI Operator\\).*?```yaml\\n(.*?)```")
                .matcher(docs);
        assertTrue(block.find(), "no yaml block in docs/distributed.md's Kubernetes section");
        assertPartOf(YAML.readTree(block.group(1)), manifest(), "");
    }

    /** Every value of {@code part} is in {@code whole} at the same place; the scripts are shortened in the docs. */
    private static void assertPartOf(JsonNode part, JsonNode whole, String at) {
        if (at.endsWith("/args")) {
            return;
        }
        if (part.isObject() || part.isArray()) {
            assertEquals(part.isObject(), whole.isObject(), at);
            assertEquals(part.isArray(), whole.isArray(), at);
            if (part.isObject()) {
                for (Map.Entry<String, JsonNode> e : part.properties()) {
                    assertTrue(whole.has(e.getKey()), "the docs show " + at + "/" + e.getKey() + ", the file has none");
                    assertPartOf(e.getValue(), whole.get(e.getKey()), at + "/" + e.getKey());
                }
            } else {
                for (int i = 0; i < part.size(); i++) {
                    assertTrue(i < whole.size(), "the docs show " + at + "/" + i + ", the file has none");
                    assertPartOf(part.get(i), whole.get(i), at + "/" + i);
                }
            }
        } else {
            assertEquals(whole, part, "the docs and configs/launch/mpijob.yaml differ at " + at);
        }
    }

    static Stream<Arguments> brokenCopies() {
        return Stream.of(
                broken("a misspelled spec field", "/spec", "slotPerWorker", j -> {
                    ObjectNode spec = at(j, "/spec");
                    spec.set("slotPerWorker", spec.remove("slotsPerWorker"));
                }),
                broken("cleanPodPolicy outside its enum", "/spec/runPolicy/cleanPodPolicy", "None",
                        j -> at(j, "/spec/runPolicy").put("cleanPodPolicy", "Sometimes")),
                broken("the replica key Workers", "/spec/mpiReplicaSpecs", "Workers", j -> {
                    ObjectNode specs = at(j, "/spec/mpiReplicaSpecs");
                    specs.set("Workers", specs.remove("Worker"));
                }),
                broken("a string for the workers' replicas", "/spec/mpiReplicaSpecs/Worker/replicas", "integer",
                        j -> at(j, "/spec/mpiReplicaSpecs/Worker").put("replicas", "2")),
                broken("a string for a pod template's integer",
                        "/spec/mpiReplicaSpecs/Launcher/template/spec/terminationGracePeriodSeconds", "String",
                        j -> at(j, "/spec/mpiReplicaSpecs/Launcher/template/spec")
                                .put("terminationGracePeriodSeconds", "300")),
                broken("an unknown container field",
                        "/spec/mpiReplicaSpecs/Worker/template/spec/containers/0/imagePullPolicyy", "unknown field",
                        j -> at(j, "/spec/mpiReplicaSpecs/Worker/template/spec/containers/0")
                                .put("imagePullPolicyy", "IfNotPresent")),
                broken("an unknown field deep in a volume",
                        "/spec/mpiReplicaSpecs/Worker/template/spec/volumes/0/persistentVolumeClaim/claim",
                        "unknown field", j -> {
                            ObjectNode pvc = at(j,
                                    "/spec/mpiReplicaSpecs/Worker/template/spec/volumes/0/persistentVolumeClaim");
                            pvc.set("claim", pvc.remove("claimName"));
                        }),
                broken("a number for an environment variable's value",
                        "/spec/mpiReplicaSpecs/Launcher/template/spec/containers/0/env/0/value", "String",
                        j -> at(j, "/spec/mpiReplicaSpecs/Launcher/template/spec/containers/0/env/0").put("value", 1)),
                broken("restartPolicy ExitCode, which v0.8.0's validation refuses",
                        "/spec/mpiReplicaSpecs/Worker/restartPolicy", "Never",
                        j -> at(j, "/spec/mpiReplicaSpecs/Worker").put("restartPolicy", "ExitCode")),
                broken("two launchers", "/spec/mpiReplicaSpecs/Launcher/replicas", "1",
                        j -> at(j, "/spec/mpiReplicaSpecs/Launcher").put("replicas", 2)),
                broken("a negative backoffLimit", "/spec/runPolicy/backoffLimit", "0",
                        j -> at(j, "/spec/runPolicy").put("backoffLimit", -1)),
                broken("a launcher without containers", "/spec/mpiReplicaSpecs/Launcher/template/spec/containers",
                        "1", j -> at(j, "/spec/mpiReplicaSpecs/Launcher/template/spec").putArray("containers")),
                broken("an MPI implementation the operator does not know", "/spec/mpiImplementation", "OpenMPI",
                        j -> at(j, "/spec").put("mpiImplementation", "OpenMPI4")),
                broken("a name whose worker hostname is no DNS label", "/metadata/name", "63",
                        j -> at(j, "/metadata").put("name", "m".repeat(60))),
                broken("the v1 API", "/apiVersion", "kubeflow.org/v2beta1",
                        j -> j.put("apiVersion", "kubeflow.org/v1")));
    }

    private static Arguments broken(String what, String path, String alsoSaid, Consumer<ObjectNode> change) {
        return Arguments.of(what, path, alsoSaid, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCopies")
    void aBrokenCopyFailsNamingThePath(String what, String path, String alsoSaid, Consumer<ObjectNode> change)
            throws IOException {
        ObjectNode job = manifest();
        change.accept(job);
        List<String> problems = problems(job);
        assertFalse(problems.isEmpty(), what + " passed the check");
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(path + ": ") && p.contains(alsoSaid)),
                what + ": no problem at " + path + " saying '" + alsoSaid + "' in " + problems);
    }

    @Test
    void aDuplicateKeyIsRefused() {
        String twice = "apiVersion: kubeflow.org/v2beta1\nkind: MPIJob\nkind: MPIJob\n";
        JacksonException e = assertThrows(JacksonException.class,
                () -> YAML.readTree(twice));
        assertTrue(e.getOriginalMessage().contains("kind"), e.getOriginalMessage());
    }

    @Test
    void thePreemptionSettingsAreThere() throws IOException {
        JsonNode job = manifest();
        for (String replica : List.of("Launcher", "Worker")) {
            JsonNode grace = job.at("/spec/mpiReplicaSpecs/" + replica
                    + "/template/spec/terminationGracePeriodSeconds");
            assertTrue(grace.isIntegralNumber() && grace.asInt() >= 120,
                    replica + ": terminationGracePeriodSeconds " + grace + " leaves no time for a checkpoint");
        }
        // The ranks' SIGTERM goes through these two policies; docs/distributed.md says why each.
        assertEquals("Never", job.at("/spec/mpiReplicaSpecs/Launcher/restartPolicy").asString());
        assertEquals("OnFailure", job.at("/spec/mpiReplicaSpecs/Worker/restartPolicy").asString());
        int backoff = job.at("/spec/runPolicy/backoffLimit").asInt(-1);
        assertTrue(backoff >= 3, "backoffLimit " + backoff + ": a few preemptions would end the job");

        String launcher = script(job, "Launcher");
        Matcher mpirun = Pattern.compile("(?s)\\bmpirun (.*?)&\\n").matcher(launcher);
        assertTrue(mpirun.find(), "no mpirun ... & in the launcher's script:\n" + launcher);
        List<String> args = Arrays.asList(mpirun.group(1).replace("\\\n", " ").trim().split("\\s+"));
        assertTrue(args.contains("--auto-resume"), "the launcher's mpirun lacks --auto-resume: " + args);
        assertEquals("mpi", args.get(args.indexOf("--launcher") + 1), args.toString());

        // One rank per GPU on every worker, all slots used.
        int slots = job.at("/spec/slotsPerWorker").asInt();
        int workers = job.at("/spec/mpiReplicaSpecs/Worker/replicas").asInt();
        JsonNode worker = job.at("/spec/mpiReplicaSpecs/Worker/template/spec");
        String gpus = worker.at("/containers/0/resources/limits").path("nvidia.com/gpu").asString();
        assertEquals(String.valueOf(slots), gpus, "slotsPerWorker against the worker's GPUs");
        assertEquals(String.valueOf(slots * workers), args.get(args.indexOf("-np") + 1), "mpirun -np");

        // The work dir lies on the claim every worker mounts, so a restarted job finds the checkpoint.
        String workDir = args.get(args.indexOf("--work-dir") + 1);
        String claimVolume = null;
        for (JsonNode v : worker.path("volumes")) {
            if (v.has("persistentVolumeClaim")) {
                claimVolume = v.path("name").asString();
            }
        }
        assertTrue(claimVolume != null, "no PersistentVolumeClaim among the worker's volumes");
        boolean onClaim = false;
        for (JsonNode m : worker.at("/containers/0/volumeMounts")) {
            onClaim |= m.path("name").asString().equals(claimVolume)
                    && workDir.startsWith(m.path("mountPath").asString() + "/");
        }
        assertTrue(onClaim, "--work-dir " + workDir + " is not on the worker's volume " + claimVolume);
    }

    // The scripts run in a PID namespace of their own, as PID 1, the way the kubelet runs them: a PID 1 ignores
    // any signal it has no handler for, and the scan for the ranks in /proc sees only that namespace.

    private static boolean canMakePidNamespaces() {
        return Programs.runs("unshare", "--pid", "--fork", "--mount-proc", "true");
    }

    private static Path executable(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** PID 1 of the namespace that {@code unshare} started, seen from here. */
    private static ProcessHandle pidOne(Process unshare) throws InterruptedException {
        long until = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < until) {
            var child = unshare.toHandle().children().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("unshare started no process");
    }

    private static void awaitFile(Path f, Process p) throws InterruptedException {
        long until = System.nanoTime() + LIMIT.toNanos();
        while (!Files.exists(f)) {
            if (!p.isAlive() || System.nanoTime() > until) {
                fail(f.getFileName() + " never appeared (the script "
                        + (p.isAlive() ? "still runs" : "exited " + p.exitValue()) + ")");
            }
            Thread.sleep(20);
        }
    }

    private static int awaitExit(Process p) throws InterruptedException {
        if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the script did not end within " + LIMIT.toSeconds() + " s of SIGTERM");
        }
        return p.exitValue();
    }

    @Test
    void theLauncherWaitsForItsWorkersThenTurnsTheKubeletsSigtermIntoSigusr1ForMpirun(@TempDir Path dir)
            throws Exception {
        assumeTrue(canMakePidNamespaces(), "cannot make PID namespaces here (unshare --pid needs root)");
        Path log = Files.createDirectories(dir.resolve("log"));
        Path bin = dir.resolve("bin");
        // A rank of the stopped attempt, still writing its checkpoint for 3 s.
        Path oldRank = executable(dir.resolve("old"), "java", """
                #!/bin/bash
                sleep 3
                touch "$LOG/old-rank-done"
                """);
        // Both workers are this namespace: the remote command runs here. On worker 0 the old rank is still
        // running at the first call; the second worker's replacement pod does not answer its first call.
        executable(bin, "ssh", """
                #!/bin/bash
                host=${@: -2:1}
                echo "$host" >> "$LOG/ssh"
                case $host in
                  *worker-0*) if [ ! -e "$LOG/old-rank" ]; then touch "$LOG/old-rank"; "$OLD_RANK" & sleep 0.3; fi ;;
                  *worker-1*) [ "$(grep -c worker-1 "$LOG/ssh")" -ge 2 ] || exit 255 ;;
                esac
                exec /bin/bash -c "${@: -1}"
                """);
        // Stands in for mpirun and its ranks: on SIGUSR1 they stop after a checkpoint and exit with a status of
        // their own; a SIGTERM would have been mpirun killing them.
        executable(bin, "mpirun", """
                #!/bin/bash
                trap 'echo USR1 >> "$LOG/signals"; sleep 1; exit 7' USR1
                trap 'echo TERM >> "$LOG/signals"; exit 99' TERM
                cp "$LOG/ssh" "$LOG/ssh-before-mpirun"
                [ -e "$LOG/old-rank-done" ] && touch "$LOG/old-rank-was-done"
                touch "$LOG/mpirun-started"
                while :; do sleep 0.1; done
                """);
        Path hostfile = Files.writeString(dir.resolve("hostfile"),
                "mae-vit-b-worker-0.mae-vit-b.default.svc slots=8\nmae-vit-b-worker-1.mae-vit-b.default.svc slots=8\n");

        ProcessBuilder pb = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc",
                "/bin/bash", "-c", script(manifest(), "Launcher"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("LOG", log.toString());
        pb.environment().put("OLD_RANK", oldRank.toString());
        pb.environment().put("OMPI_MCA_orte_default_hostfile", hostfile.toString());
        Process p = pb.start();
        try {
            awaitFile(log.resolve("mpirun-started"), p);
            String w0 = "mae-vit-b-worker-0.mae-vit-b.default.svc";
            String w1 = "mae-vit-b-worker-1.mae-vit-b.default.svc";
            assertEquals(List.of(w0, w0, w1, w1), Files.readAllLines(log.resolve("ssh-before-mpirun")),
                    "mpirun started before every worker answered");
            assertTrue(Files.exists(log.resolve("old-rank-was-done")), "mpirun started while an old rank ran");
            pidOne(p).destroy(); // SIGTERM, as the kubelet sends
            int status = awaitExit(p);
            String out = Files.readString(dir.resolve("out"));
            assertEquals(List.of("USR1"), Files.readAllLines(log.resolve("signals")), out);
            assertEquals(7, status, "the launcher must exit with mpirun's status (the Job retries on non-zero)\n"
                    + out);
        } finally {
            p.destroyForcibly();
        }
    }

    /** A worker container's processes: sshd, and through it one rank that takes 2 s to write its checkpoint. */
    private static Path fakeWorker(Path dir, Path log) throws IOException {
        Path rank = executable(dir.resolve("rank"), "java", """
                #!/bin/bash
                trap 'sleep 2; touch "$LOG/checkpoint"; exit 0' TERM
                touch "$LOG/rank-started"
                while :; do sleep 0.1; done
                """);
        Path sbin = dir.resolve("sbin");
        executable(sbin, "sshd", """
                #!/bin/bash
                trap 'echo TERM >> "$LOG/sshd-signals"; exit 0' TERM
                %s &
                while :; do sleep 0.1; done
                """.formatted(rank));
        return sbin;
    }

    /** {@code script} as PID 1 of a new PID namespace whose /usr/sbin is {@code sbin}, SIGTERM once the rank runs. */
    private static int runAsPidOneAndTerminate(Path dir, Path sbin, Path log, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "/bin/bash", "-c",
                "mount --bind \"$FAKE_SBIN\" /usr/sbin && exec /bin/bash -c \"$SCRIPT\"")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
        pb.environment().put("FAKE_SBIN", sbin.toString());
        pb.environment().put("SCRIPT", script);
        pb.environment().put("LOG", log.toString());
        Process p = pb.start();
        try {
            awaitFile(log.resolve("rank-started"), p);
            pidOne(p).destroy();
            return awaitExit(p);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theWorkerPassesTheKubeletsSigtermToItsRanksAndOutlivesTheirCheckpoint(@TempDir Path dir) throws Exception {
        assumeTrue(canMakePidNamespaces(), "cannot make PID namespaces here (unshare --pid needs root)");
        Path log = Files.createDirectories(dir.resolve("log"));
        int status = runAsPidOneAndTerminate(dir, fakeWorker(dir, log), log, script(manifest(), "Worker"));
        String out = Files.readString(dir.resolve("out"));
        assertTrue(Files.exists(log.resolve("checkpoint")), "the container ended before the rank's checkpoint\n" + out);
        assertFalse(Files.exists(log.resolve("sshd-signals")), "sshd was stopped while the rank ran\n" + out);
        assertEquals(143, status, out);
    }

    @Test
    void withSshdAsPidOneAsTheOperatorWouldHaveItTheCheckpointIsLost(@TempDir Path dir) throws Exception {
        assumeTrue(canMakePidNamespaces(), "cannot make PID namespaces here (unshare --pid needs root)");
        Path log = Files.createDirectories(dir.resolve("log"));
        // The operator's default worker command; the reason the manifest gives the workers a shell of their own.
        runAsPidOneAndTerminate(dir, fakeWorker(dir, log), log, "exec /usr/sbin/sshd -De");
        assertTrue(Files.exists(log.resolve("sshd-signals")));
        assertFalse(Files.exists(log.resolve("checkpoint")), "the rank outlived sshd as PID 1");
    }
}
