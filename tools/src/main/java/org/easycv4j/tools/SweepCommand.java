package org.easycv4j.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.runner.StopSignals;
import org.easycv4j.tools.sweep.Grid;
import org.easycv4j.tools.sweep.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tools/sweep CONFIG --grid key=v1,v2,... [--grid ...] [--seeds 0,1] [--then EVAL_CONFIG]...
 * [--then-seeds 0,1] [--then-key KEY] [--set k=v]... [--then-set k=v]... [--plot-line LABEL=VALUE]... [--out DIR]}.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Train CONFIG at every combination of the --grid values and seeds, each in its own work dir, "
                + "optionally followed by --then configs started from each run's final checkpoint; writes "
                + "sweep.csv, sweep.md and a plot. Re-running skips finished runs and resumes interrupted ones.")
public final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "experiment file (HOCON)")
    Path config;

    @Option(names = "--grid", paramLabel = "KEY=V1,V2,...",
            description = "a config key and its values (HOCON; commas inside [], {} or quotes do not split); "
                    + "several --grid options are crossed")
    List<String> grid = new ArrayList<>();

    @Option(names = "--seeds", paramLabel = "LIST", split = ",", description = "seeds of every combination "
            + "(default: 0)")
    List<Long> seeds = new ArrayList<>(List.of(0L));

    @Option(names = "--then", paramLabel = "EVAL_CONFIG",
            description = "a config run after each combination from its final checkpoint (repeatable)")
    List<Path> then = new ArrayList<>();

    @Option(names = "--then-seeds", paramLabel = "LIST", split = ",",
            description = "seeds of every --then run, each in <name>_seed<s>/ (default: the combination's seed)")
    List<Long> thenSeeds = new ArrayList<>();

    @Option(names = "--then-key", paramLabel = "KEY", defaultValue = "model.pretrained",
            description = "the --then config's key that receives the checkpoint (default: ${DEFAULT-VALUE}; "
                    + "load_from for a whole-model start)")
    String thenKey;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override of CONFIG at every combination")
    List<String> sets = new ArrayList<>();

    @Option(names = "--then-set", paramLabel = "KEY=VALUE", description = "override of every --then config")
    List<String> thenSets = new ArrayList<>();

    @Option(names = "--plot-line", paramLabel = "LABEL=VALUE",
            description = "a horizontal line on the sweep's plot (a baseline measured elsewhere, in the plot's unit); "
                    + "repeatable")
    List<String> plotLines = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "sweep folder (default: work_dirs/sweeps/<config name>)")
    Path out;

    @Option(names = "--launcher", paramLabel = "NAME", defaultValue = "none",
            description = "none, mpi or a launcher a plugin registers (tools/list launcher); mpi: this process is one rank of a data-parallel job started by mpirun (every stage runs "
                    + "on all ranks, imgs_per_gpu images each; rank 0 writes); default: ${DEFAULT-VALUE}")
    String launcher;

    @Spec
    CommandSpec spec;

    static String stageName(Path config) {
        String name = config.getFileName().toString();
        return name.endsWith(".conf") ? name.substring(0, name.length() - 5) : name;
    }

    @Override
    public Integer call() throws Exception {
        Grid g;
        try {
            g = Grid.parse(grid, seeds);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Main.USER_ERROR;
        }
        Map<String, Double> lines = new LinkedHashMap<>();
        for (String l : plotLines) {
            int eq = l.lastIndexOf('=');
            Double value = null;
            if (eq > 0) {
                try {
                    value = Double.parseDouble(l.substring(eq + 1).strip());
                } catch (NumberFormatException e) {
                    value = null;
                }
            }
            if (value == null || value.isNaN() || value.isInfinite()) {
                spec.commandLine().getErr().println("error: --plot-line: expected LABEL=NUMBER, got \"" + l + "\"");
                return Main.USER_ERROR;
            }
            lines.put(l.substring(0, eq).strip(), value);
        }
        List<Path> configs = new ArrayList<>(List.of(config));
        configs.addAll(then);
        for (Path p : configs) {
            if (!java.nio.file.Files.isRegularFile(p)) {
                spec.commandLine().getErr().println("error: no config file at " + p.toAbsolutePath());
                return Main.USER_ERROR;
            }
        }
        Path dir = out != null ? out : Path.of("work_dirs", "sweeps", stageName(config));
        List<Sweep.Stage> thenStages = new ArrayList<>();
        for (Path p : then) {
            thenStages.add(new Sweep.Stage(stageName(p), p));
        }
        List<String> commandLine = new ArrayList<>();
        ProcessHandle.current().info().arguments().ifPresent(a -> commandLine.addAll(List.of(a)));
        Optional<Collective> joined = RankJob.connect(launcher);
        if (joined.isEmpty()) {
            return Main.USER_ERROR;
        }
        Collective collective = joined.get();
        Sweep sweep = new Sweep(dir, g, new Sweep.Stage("train", config), thenStages, thenKey, sets, thenSets,
                thenSeeds, commandLine, System.out, collective).optReferenceLines(lines);
        List<Sweep.Row> rows;
        // For the whole sweep, not only while a stage trains: a signal between two stages stops the next one
        // before its first batch instead of ending the JVM.
        try (StopSignals.Installed signals = StopSignals.process().install()) {
            rows = RankJob.run(collective, " (run the same command again to resume)", c -> sweep.run());
        }
        if (sweep.stopped()) {
            return Main.STOPPED;
        }
        if (collective.rank() != 0) {
            return 0;
        }
        long failed = rows.stream().filter(r -> r.stages().values().stream().anyMatch(s -> !s.status().equals("ok")))
                .count();
        System.out.println(rows.size() + " combinations, " + failed + " not finished; " + dir.resolve(Sweep.MARKDOWN));
        return failed == 0 ? 0 : 1;
    }
}
