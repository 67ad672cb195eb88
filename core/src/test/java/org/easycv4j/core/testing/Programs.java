package org.easycv4j.core.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Which external programs this machine has, for tests that need one (a compiler, cmake, a Python torch). */
public final class Programs {
    private Programs() {}

    /** True when {@code command} starts and exits 0 within two minutes. */
    public static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The interpreter named by {@code PYTHON} (which may carry a prefix such as {@code env X=1 python3}), else
     * the first of python3, /usr/bin/python3, that imports torch.
     */
    public static Optional<List<String>> pythonWithTorch() {
        String given = System.getenv("PYTHON");
        List<List<String>> candidates = given != null && !given.isBlank()
                ? List.of(List.of(given.trim().split("\\s+")))
                : List.of(List.of("python3"), List.of("/usr/bin/python3"));
        for (List<String> p : candidates) {
            List<String> cmd = new ArrayList<>(p);
            cmd.addAll(List.of("-c", "import torch"));
            if (runs(cmd.toArray(String[]::new))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
