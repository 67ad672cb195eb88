package org.easycv4j.tools.sweep;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.runner.Runner;
import org.easycv4j.core.runner.CheckpointHook;
import org.easycv4j.core.util.AtomicFiles;
import org.easycv4j.tools.plot.MetricsLog;
import org.easycv4j.tools.plot.Plots;

/**
 * Runs every point of a {@link Grid}: the main config in {@code OUT/<point>/}, then each {@code --then} config
 * in {@code OUT/<point>/<then name>[_seed<s>]/} starting from the main run's final checkpoint (once per
 * {@code --then-seeds} seed: one pretraining, several evaluation seeds). Each stage's folder is an
 * ordinary work dir (resolved config, provenance, logs, checkpoints) plus {@code sweep_result.json}; a stage
 * with a successful result is skipped when the sweep runs again, an interrupted one resumes from its latest
 * checkpoint, a failed one is reported and retried next time while the others go on. At the end (and after
 * every point) {@code sweep.csv}, {@code sweep.md} and {@code sweep_<key>.png} summarize one row per point.
 *
 * <p>As one rank of a data-parallel job ({@code mpirun -np N tools/sweep ... --launcher mpi}) every rank runs
 * every stage together with the others; rank 0 alone writes results and summaries and prints, and the ranks meet
 * at a barrier after each stage so that all take the same skip and resume decisions from the same files. A
 * stage that fails then ends the job (the other ranks could be waiting in a collective); running the same
 * command again resumes it.
 */
public final class Sweep {
    public static final String RESULT = "sweep_result.json";
    public static final String CSV = "sweep.csv";
    public static final String MARKDOWN = "sweep.md";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();

    /** A config run at every point; {@code name} labels its folder and columns. */
    public record Stage(String name, Path config) {}

    /** What a stage of one point gave. */
    public record Result(String status, double wallSeconds, Map<String, Double> metrics, String error,
            boolean reused) {
        boolean ok() {
            return status.equals("ok");
        }
    }

    /** One point's results, stage by stage. */
    public record Row(Grid.Point point, Map<String, Result> stages) {}

    private final Path out;
    private final Grid grid;
    private final Stage main;
    private final List<Stage> then;
    private final String thenKey;
    private final List<String> sets;
    private final List<String> thenSets;
    private final List<String> commandLine;
    private final PrintStream log;
    private final List<Long> thenSeeds;
    private final Collective collective;
    private boolean stopped;
    private Map<String, Double> referenceLines = Map.of();

    /**
     * @param thenKey the key of a {@code --then} config that receives the main run's final checkpoint
     *     ({@code model.pretrained}, or {@code load_from})
     * @param sets overrides of the main config at every point; @param thenSets those of the {@code --then} configs
     * @param thenSeeds seeds of every {@code --then} run (each in {@code <name>_seed<s>/}); empty: the point's seed
     */
    public Sweep(Path out, Grid grid, Stage main, List<Stage> then, String thenKey, List<String> sets,
            List<String> thenSets, List<Long> thenSeeds, List<String> commandLine, PrintStream log) {
        this(out, grid, main, then, thenKey, sets, thenSets, thenSeeds, commandLine, log, Collective.single());
    }

    /** As above, as one rank of a data-parallel job: {@code log} is used on rank 0 only. */
    public Sweep(Path out, Grid grid, Stage main, List<Stage> then, String thenKey, List<String> sets,
            List<String> thenSets, List<Long> thenSeeds, List<String> commandLine, PrintStream log,
            Collective collective) {
        this.collective = collective;
        this.thenSeeds = List.copyOf(thenSeeds);
        this.out = out;
        this.grid = grid;
        this.main = main;
        this.then = List.copyOf(then);
        this.thenKey = thenKey;
        this.sets = List.copyOf(sets);
        this.thenSets = List.copyOf(thenSets);
        this.commandLine = List.copyOf(commandLine);
        this.log = collective.rank() == 0 ? log : new PrintStream(PrintStream.nullOutputStream());
    }

    /**
     * Horizontal lines drawn on the plot at these values (baselines measured outside the sweep: a scratch run,
     * a pixel classifier), in the plot's unit.
     */
    public Sweep optReferenceLines(Map<String, Double> lines) {
        this.referenceLines = new LinkedHashMap<>(lines);
        return this;
    }

    /** Runs (or reuses) every point and writes the summaries; returns the rows. */
    public List<Row> run() throws IOException {
        Files.createDirectories(out);
        List<Grid.Point> points = grid.points();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Grid.Point p = points.get(i);
            Path dir = out.resolve(p.name());
            Map<String, Result> results = new LinkedHashMap<>();
            List<String> mainSets = new ArrayList<>(sets);
            mainSets.addAll(p.overrides());
            Result first = stage(String.format(Locale.ROOT, "[%d/%d] %s", i + 1, points.size(), p.name()), main, dir,
                    mainSets);
            results.put(main.name(), first);
            Optional<Path> ckpt = first.ok() ? finalCheckpoint(dir) : Optional.empty();
            for (Stage s : then) {
                for (long seed : thenSeeds.isEmpty() ? List.of(p.seed()) : thenSeeds) {
                    String name = thenName(s, seed);
                    if (stopped) {
                        break;
                    }
                    if (ckpt.isEmpty()) {
                        results.put(name, new Result("skipped", 0, Map.of(), main.name() + " did not finish", false));
                        continue;
                    }
                    List<String> o = new ArrayList<>(thenSets);
                    o.add(thenKey + "=" + ConfigUtil.quoteString(ckpt.get().toString()));
                    o.add("seed=" + seed);
                    results.put(name, stage(String.format(Locale.ROOT, "[%d/%d] %s -> %s", i + 1, points.size(),
                            p.name(), name), s, dir.resolve(name), o));
                }
            }
            rows.add(new Row(p, results));
            if (collective.rank() == 0) {
                writeSummaries(rows);
            }
            if (stopped) {
                log.println("stopped by a signal: run the same command again to continue");
                break;
            }
        }
        return rows;
    }

    /** True when a stop signal ended a stage (its checkpoint written); the stages after it did not run. */
    public boolean stopped() {
        return stopped;
    }

    /** The newest checkpoint folder of a finished work dir. */
    static Optional<Path> finalCheckpoint(Path workDir) throws IOException {
        Path latest = workDir.resolve(CheckpointHook.LATEST);
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        return Optional.of(workDir.resolve(Files.readString(latest).strip()).toAbsolutePath().normalize());
    }

    private Result stage(String label, Stage stage, Path dir, List<String> overrides) throws IOException {
        Path resultFile = dir.resolve(RESULT);
        if (Files.isRegularFile(resultFile)) {
            Result previous = GSON.fromJson(Files.readString(resultFile), Result.class);
            if (previous.ok()) {
                log.println(label + ": finished before, skipped");
                return new Result(previous.status(), previous.wallSeconds(), previous.metrics(), null, true);
            }
        }
        List<String> all = new ArrayList<>(overrides);
        all.add("work_dir=" + ConfigUtil.quoteString(dir.toString()));
        long t0 = System.nanoTime();
        Result result;
        try {
            ExperimentLoader.Loaded loaded = new ExperimentLoader().load(stage.config(), all, System.getProperties());
            Optional<Path> resume = finalCheckpoint(dir);
            boolean done = false;
            // An interrupted run's earlier part, as its checkpoint recorded it: the wall time is the whole run's.
            double before = 0;
            if (resume.isPresent() && Files.isDirectory(resume.get())) {
                CheckpointState state = Checkpoints.readState(resume.get());
                done = state.epoch() >= loaded.experiment().totalEpochs();
                before = state.trainSeconds();
                if (!done) {
                    all.add("resume_from=" + ConfigUtil.quoteString(resume.get().toString()));
                    loaded = new ExperimentLoader().load(stage.config(), all, System.getProperties());
                    log.println(label + ": resuming from " + resume.get());
                }
            }
            if (!done) {
                log.println(label + ": " + stage.config() + " " + String.join(" ", overrides));
                Runner.TrainResult trained = new Runner(loaded.experiment(), loaded.config(), commandLine,
                        stage.config(), collective).train(false);
                if (trained.stopped()) {
                    // No result file: the next sweep resumes this stage from the checkpoint the stop wrote.
                    stopped = true;
                    log.println(label + ": stopped by a signal after " + trained.iterations() + " iterations");
                    return new Result("stopped", before + seconds(t0), Map.of(), "stopped by a signal", false);
                }
            }
            result = new Result("ok", before + seconds(t0), finalMetrics(dir), null, false);
            log.println(label + ": ok in " + Math.round(result.wallSeconds()) + " s " + result.metrics());
        } catch (Exception e) {
            if (collective.size() > 1 && e instanceof IOException io) {
                throw io;
            }
            if (collective.size() > 1) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            result = new Result("failed", seconds(t0), Map.of(), message, false);
            log.println(label + ": FAILED (" + message + "); the sweep goes on");
        }
        if (collective.rank() == 0) {
            Files.createDirectories(dir);
            AtomicFiles.write(resultFile, GSON.toJson(result).getBytes(StandardCharsets.UTF_8));
        }
        collective.barrier();
        return result;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The last validation metrics of a run and its last logged training loss ({@code train_loss}). */
    static Map<String, Double> finalMetrics(Path workDir) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        Path file = workDir.resolve(MetricsLog.FILE);
        if (!Files.isRegularFile(file)) {
            return m;
        }
        MetricsLog metrics = MetricsLog.read(file);
        if (!metrics.val().isEmpty()) {
            m.putAll(metrics.val().get(metrics.val().size() - 1).metrics());
        }
        if (!metrics.train().isEmpty()) {
            m.put("train_loss", metrics.train().get(metrics.train().size() - 1).loss());
        }
        return m;
    }

    /** Column names of a stage's metrics, in first-seen order. */
    private static List<String> metricNames(List<Row> rows, String stage) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        rows.forEach(r -> Optional.ofNullable(r.stages().get(stage)).ifPresent(s -> names.addAll(s.metrics().keySet())));
        return new ArrayList<>(names);
    }

    private String thenName(Stage s, long seed) {
        return thenSeeds.isEmpty() ? s.name() : s.name() + "_seed" + seed;
    }

    private List<String> stageNames() {
        List<String> names = new ArrayList<>();
        names.add(main.name());
        for (Stage s : then) {
            if (thenSeeds.isEmpty()) {
                names.add(s.name());
            } else {
                thenSeeds.forEach(seed -> names.add(thenName(s, seed)));
            }
        }
        return names;
    }

    /** The table: header then one line per point. */
    List<List<String>> table(List<Row> rows, boolean csv) {
        List<List<String>> t = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("run"));
        header.addAll(grid.axes().keySet());
        header.add("seed");
        for (String s : stageNames()) {
            header.add(s + ".status");
            header.add(s + ".wall_s");
            metricNames(rows, s).forEach(m -> header.add(s + "." + m));
        }
        t.add(header);
        for (Row r : rows) {
            List<String> line = new ArrayList<>(List.of(r.point().name()));
            grid.axes().keySet().forEach(k -> line.add(r.point().values().get(k)));
            line.add(Long.toString(r.point().seed()));
            for (String s : stageNames()) {
                Result res = r.stages().get(s);
                line.add(res == null ? "" : res.status());
                line.add(res == null || res.wallSeconds() == 0 ? "" : String.format(Locale.ROOT, "%.1f",
                        res.wallSeconds()));
                for (String m : metricNames(rows, s)) {
                    Double v = res == null ? null : res.metrics().get(m);
                    line.add(v == null ? "" : String.format(Locale.ROOT, csv ? "%.6g" : "%.4g", v));
                }
            }
            t.add(line);
        }
        return t;
    }

    private void writeSummaries(List<Row> rows) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (List<String> line : table(rows, true)) {
            csv.append(String.join(",", line.stream().map(Sweep::csvField).toList())).append('\n');
        }
        AtomicFiles.write(out.resolve(CSV), csv.toString().getBytes(StandardCharsets.UTF_8));

        List<List<String>> t = table(rows, false);
        StringBuilder md = new StringBuilder("# Sweep of ").append(main.config()).append("\n\n");
        md.append("Varied: ").append(grid.axes().isEmpty() ? "nothing (seeds only)" : String.join(", ",
                grid.axes().keySet())).append("; seeds ").append(grid.seeds()).append(". Wall times in seconds");
        md.append(" (a resumed stage counts its earlier attempts as its checkpoint recorded them; a finished stage"
                + " that was skipped shows the time it took then).\n\n");
        md.append("| ").append(String.join(" | ", t.get(0))).append(" |\n");
        md.append("|").append("---|".repeat(t.get(0).size())).append('\n');
        for (List<String> line : t.subList(1, t.size())) {
            md.append("| ").append(String.join(" | ", line)).append(" |\n");
        }
        List<String> failures = new ArrayList<>();
        for (Row r : rows) {
            r.stages().forEach((s, res) -> {
                if (res.error() != null) {
                    failures.add("- " + r.point().name() + " / " + s + ": " + res.error());
                }
            });
        }
        if (!referenceLines.isEmpty()) {
            md.append("\nReference lines on the plot (measured outside the sweep): ");
            md.append(String.join(", ", referenceLines.entrySet().stream()
                    .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f", e.getValue())).toList()));
            md.append(".\n");
        }
        if (!failures.isEmpty()) {
            md.append("\nNot finished:\n\n").append(String.join("\n", failures)).append('\n');
        }
        AtomicFiles.write(out.resolve(MARKDOWN), md.toString().getBytes(StandardCharsets.UTF_8));
        plot(rows);
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * The headline metric (top1 of the stages that validate, and a kNN monitor's knn_top1 beside it, also a top-1;
     * the last training loss when none validates) against the first varied key, averaged over seeds (the points'
     * and the {@code --then} runs'); one series per stage, metric and value of the other keys, and the reference
     * lines. Only numeric keys plot.
     */
    private void plot(List<Row> rows) throws IOException {
        if (grid.axes().isEmpty()) {
            return;
        }
        String key = grid.axes().keySet().iterator().next();
        for (String v : grid.axes().get(key)) {
            if (parse(v).isEmpty()) {
                return;
            }
        }
        Map<String, Map<Double, double[]>> sums = new LinkedHashMap<>();
        // One unit per chart: top-1 (a stage's, a kNN monitor's) when any stage validates, else the training loss.
        boolean accuracy = stageNames().stream().anyMatch(s -> metricNames(rows, s).contains("top1"));
        List<String> metrics = accuracy ? List.of("top1", "knn_top1") : List.of("train_loss");
        for (String metric : metrics) {
            for (String s : stageNames()) {
                if (!metricNames(rows, s).contains(metric)) {
                    continue;
                }
                for (Row r : rows) {
                    Result res = r.stages().get(s);
                    if (res == null || !res.ok() || !res.metrics().containsKey(metric)) {
                        continue;
                    }
                    StringBuilder series = new StringBuilder(s.replaceAll("_seed\\d+$", "") + " " + metric);
                    r.point().values().forEach((k, val) -> {
                        if (!k.equals(key)) {
                            series.append(' ').append(k).append('=').append(val);
                        }
                    });
                    double x = parse(r.point().values().get(key)).get();
                    double[] acc = sums.computeIfAbsent(series.toString(), k -> new java.util.TreeMap<>())
                            .computeIfAbsent(x, k -> new double[2]);
                    acc[0] += res.metrics().get(metric);
                    acc[1]++;
                }
            }
        }
        if (sums.isEmpty()) {
            return;
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        sums.forEach((name, pts) -> {
            double[][] xy = new double[2][pts.size()];
            int i = 0;
            for (Map.Entry<Double, double[]> e : pts.entrySet()) {
                xy[0][i] = e.getKey();
                xy[1][i++] = e.getValue()[0] / e.getValue()[1];
            }
            series.put(name, xy);
        });
        Plots.points("Sweep: mean over seeds", key, accuracy ? "top-1 (%)" : "training loss", series, referenceLines,
                out.resolve("sweep_" + key + ".png"), Plots.WIDTH, Plots.HEIGHT);
    }

    private static Optional<Double> parse(String v) {
        try {
            return Optional.of(Double.parseDouble(v.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Reads a stage's result file (tests, tools). */
    public static JsonObject readResult(Path stageDir) throws IOException {
        return JsonParser.parseString(Files.readString(stageDir.resolve(RESULT))).getAsJsonObject();
    }
}
