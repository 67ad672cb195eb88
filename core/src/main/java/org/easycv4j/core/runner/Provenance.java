package org.easycv4j.core.runner;

import ai.djl.engine.Engine;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.engine.TorchEngine;
import org.easycv4j.core.util.AtomicFiles;

/**
 * Where a run or artifact came from (Tribuo's idea): versions of the project, DJL, the engine (with the libtorch
 * selected by {@code EASYCV4J_TORCH}: flavour, folder, GPUs) and Java,
 * the git commit when the working directory is a checkout, the seed, the start time and the command line.
 */
public record Provenance(
        String project,
        String projectVersion,
        String gitCommit,
        boolean gitDirty,
        String djlVersion,
        String engine,
        String engineVersion,
        TorchEngine torch,
        String javaVersion,
        String os,
        long seed,
        String startTime,
        List<String> commandLine,
        String configFile) {

    /** Collects the provenance of the current process. */
    public static Provenance collect(long seed, List<String> commandLine, String configFile) {
        Engine engine = Engine.getInstance();
        String[] git = git();
        return new Provenance("easycv4j", readProjectVersion(), git[0], "true".equals(git[1]), Engine.getDjlVersion(),
                engine.getEngineName(), engine.getVersion(), TorchEngine.current(), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), seed, Instant.now().toString(),
                List.copyOf(commandLine), configFile);
    }

    /** What must match between the ranks of a job: the versions of the project, its checkout, DJL and the engine. */
    public String codeVersion() {
        return project + " " + projectVersion + " commit " + gitCommit + (gitDirty ? " (modified)" : "") + ", DJL "
                + djlVersion + ", " + engine + " " + engineVersion;
    }

    /** The provenance as a JSON tree, to embed in other records. */
    public JsonElement toJsonTree() {
        return new GsonBuilder().create().toJsonTree(this);
    }

    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(this);
    }

    /** Writes {@code provenance.json}-style JSON atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** The project version from the core jar, or "unknown". */
    public static String readProjectVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("/easycv4j-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {commit, dirty} of the working directory's checkout, or {"unknown", "false"}. */
    private static String[] git() {
        String commit = run("git", "rev-parse", "HEAD");
        if (commit == null || commit.isBlank()) {
            return new String[] {"unknown", "false"};
        }
        String status = run("git", "status", "--porcelain", "--untracked-files=no");
        return new String[] {commit.trim(), String.valueOf(status != null && !status.isBlank())};
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
