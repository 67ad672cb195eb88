package org.easycv4j.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.util.AtomicFiles;
import org.easycv4j.tools.convert.ConfigConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tools/convert-config EASYCV_CONFIG.py [--out FILE.conf] [--easycv-root DIR] [--force]}. */
@Command(name = "convert-config", mixinStandardHelpOptions = true,
        description = "Translate an EasyCV python config (its side-effect-free Python, with _base_ inheritance) into "
                + "HOCON without running it; lists what it cannot translate and what is still to set (data paths, "
                + "the lr's batch).")
public final class ConvertConfigCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "EASYCV_CONFIG", description = "EasyCV python config (.py)")
    Path config;

    @Option(names = "--out", paramLabel = "FILE", description = "write the HOCON here (default: standard output)")
    Path out;

    @Option(names = "--easycv-root", paramLabel = "DIR",
            description = "EasyCV repository root for _base_ paths starting with configs/ or benchmarks/ "
                    + "(default: the nearest ancestor folder of the config where the path exists)")
    Path easycvRoot;

    @Option(names = "--force", description = "replace FILE when it exists")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(config)) {
            throw new ComponentBuildException(config + ": no such file, expected an EasyCV python config");
        }
        if (out != null && Files.exists(out) && !force) {
            throw new ComponentBuildException(out + " exists; pass --force to replace it");
        }
        ConfigConverter.Translation t = ConfigConverter.convert(config, Optional.ofNullable(easycvRoot));
        for (String n : t.notes()) {
            System.err.println("not translated: " + n);
        }
        if (out == null) {
            System.out.print(t.hocon());
            System.out.flush();
        } else {
            try {
                AtomicFiles.write(out, t.hocon().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ComponentBuildException("cannot write " + out + ": " + e, e);
            }
            System.err.println("wrote " + out);
        }
        if (!t.toSet().isEmpty()) {
            System.err.println("to set before training:");
            for (String n : t.toSet()) {
                System.err.println("  " + n);
            }
        }
        return 0;
    }
}
