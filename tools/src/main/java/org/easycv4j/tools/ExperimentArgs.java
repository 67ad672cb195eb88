package org.easycv4j.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.core.runner.ExperimentLoader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The CONFIG argument and {@code --set} overrides of every launcher that loads an experiment. */
final class ExperimentArgs {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "experiment file (HOCON)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a config value; the value is parsed as HOCON (repeatable)")
    List<String> sets = new ArrayList<>();

    /**
     * Loads and checks the experiment with the launch environment's settings ({@link LaunchEnvironment}), then
     * the {@code --set}s, then {@code more} overrides (later ones win).
     */
    ExperimentLoader.Loaded load(List<String> more) {
        List<String> all = new ArrayList<>(LaunchEnvironment.overrides(System.getenv()));
        all.addAll(sets);
        all.addAll(more);
        ExperimentLoader.Loaded loaded = new ExperimentLoader().load(config, all, System.getProperties());
        RuntimeKeys.apply(loaded.runtime());
        return loaded;
    }

    /** This process's command line, for provenance. */
    List<String> commandLine(String command) {
        return CommandLines.current(command, config, sets);
    }
}
