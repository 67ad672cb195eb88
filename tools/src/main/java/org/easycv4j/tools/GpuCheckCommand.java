package org.easycv4j.tools;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.dist.Nccl;
import org.easycv4j.core.dist.TensorMemory;
import org.easycv4j.core.engine.TorchEngine;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.runner.Devices;
import org.easycv4j.core.util.AtomicFiles;
import org.easycv4j.models.mae.MaeModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gpu-check}: what a GPU machine does with this project, in one run and one JSON file (tools/gpu-check,
 * docs/gpus.md): the environment; a correctness smoke (MAE steps on the GPU against the same steps on the CPU
 * from the same weights, masking noise and batches); MAE training throughput over batch sizes, precisions and
 * fused attention; the plain-PyTorch twin of the same step on the same GPU; host synchronisations per step
 * (counted by the preloaded counter of tools/lib/cuda_sync_count.c, not assumed); NCCL all-reduce of the
 * model's gradients. Every figure is measured in this run; nothing is compared against stored numbers.
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = "One-command GPU report: environment, GPU-vs-CPU smoke, MAE img/s against PyTorch, host "
                + "syncs per step, NCCL all-reduce; writes one JSON file.")
public final class GpuCheckCommand implements Callable<Integer> {

    /** The parts of the report. */
    enum Section { env, smoke, train, pytorch, allreduce }

    @Option(names = "--out", description = "the JSON report (default ${DEFAULT-VALUE})")
    Path out = Path.of("gpu-check.json");

    @Option(names = "--device", description = "gpu or gpu:N (default ${DEFAULT-VALUE}); cpu only with --allow-cpu")
    String device = "gpu";

    @Option(names = "--allow-cpu", description = "run on the CPU too (checks the command itself; no GPU figures)")
    boolean allowCpu;

    @Option(names = "--model", description = "the model timed: a preset or a config file (default ${DEFAULT-VALUE})")
    String model = "configs/selfsup/mae/mae_vit_base_patch16_8xb64_1600e.conf";

    @Option(names = "--twin-preset", description = "the PyTorch twin's preset of the same model (default "
            + "${DEFAULT-VALUE})")
    String twinPreset = "vitb16";

    @Option(names = "--smoke-model", description = "the model of the smoke (default ${DEFAULT-VALUE})")
    String smokeModel = "tiny224";

    @Option(names = "--smoke-batch", description = "images per smoke step (default ${DEFAULT-VALUE})")
    int smokeBatch = 8;

    @Option(names = "--smoke-steps", description = "smoke steps (default ${DEFAULT-VALUE})")
    int smokeSteps = 3;

    @Option(names = "--batches", split = ",", description = "batch sizes timed (default ${DEFAULT-VALUE})")
    List<Integer> batches = List.of(64, 256);

    @Option(names = "--amps", split = ",", description = "precisions timed (default ${DEFAULT-VALUE})")
    List<BenchRig.Amp> amps = List.of(BenchRig.Amp.none, BenchRig.Amp.fp16, BenchRig.Amp.bf16);

    @Option(names = "--fused-attn", split = ",", arity = "1", description = "fused attention on and/or off (default "
            + "${DEFAULT-VALUE})")
    List<Boolean> fusedAttn = List.of(true, false);

    @Option(names = "--steps", description = "timed steps per configuration (default ${DEFAULT-VALUE})")
    int steps = 10;

    @Option(names = "--warmup", description = "untimed steps first (default ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--python", description = "an interpreter with torch for the twin; none skips it")
    String python = "none";

    @Option(names = "--twin", description = "bench/pytorch/mae_step.py (default ${DEFAULT-VALUE})")
    Path twin = Path.of("bench/pytorch/mae_step.py");

    @Option(names = "--no-compile", description = "skip the twin's torch.compile run (it costs a minute of "
            + "compilation)")
    boolean noCompile;

    @Option(names = "--sections", split = ",", description = "parts to run (default: all)")
    List<Section> sections = List.of(Section.values());

    @Option(names = "--launcher", description = "none, or mpi for the all-reduce of several ranks")
    String launcher = "none";

    @Option(names = "--mpirun-self", hidden = true, description = "the command that runs gpu-check (tools/gpu-check):"
            + " with 2+ GPUs the all-reduce is also run by that many ranks under mpirun")
    String mpirunSelf;

    @Option(names = "--budget-s", description = "seconds after which no further configuration starts (default "
            + "${DEFAULT-VALUE})")
    int budgetSeconds = 420;

    @Spec
    CommandSpec spec;

    /** Relative tolerances of the smoke, against the CPU in float32. */
    static final double FP32_LOSS_TOL = 1e-3;
    static final double FP32_NORM_TOL = 1e-2;
    static final double BF16_LOSS_TOL = 3e-2;
    static final double BF16_NORM_TOL = 1e-1;

    private final long start = System.nanoTime();

    @Override
    public Integer call() throws Exception {
        var outWriter = spec.commandLine().getOut();
        TorchEngine torch = TorchEngine.current();
        boolean wantsCpu = device.trim().equalsIgnoreCase("cpu");
        if ((wantsCpu && !allowCpu) || (!wantsCpu && torch.gpus() == 0)) {
            spec.commandLine().getErr().println("error: gpu-check: no GPU usable here ("
                    + Devices.choose("auto", torch).reason().replaceFirst("^device = auto: ", "")
                            .replaceFirst("; using the CPU$", "") + "); nothing to check");
            return 2;
        }
        Collective collective = RankJob.join(launcher);
        boolean lead = collective.rank() == 0;
        // One rank per GPU under mpirun, as in training.
        Device dev = Devices.choose(collective.size() > 1 && device.trim().equalsIgnoreCase("gpu")
                ? "gpu:" + collective.localRank() : device, torch).device();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("device", dev.toString());
        report.put("syncCounter", SyncCounter.available());
        try {
            if (lead && sections.contains(Section.env)) {
                EnvCommand.Report env = EnvCommand.collect();
                report.put("env", env);
                print(outWriter, EnvCommand.table(env));
            }
            if (lead && sections.contains(Section.smoke)) {
                report.put("smoke", smoke(dev, outWriter));
            }
            if (lead && sections.contains(Section.train)) {
                report.put("train", train(dev, outWriter));
            }
            if (lead && sections.contains(Section.pytorch)) {
                report.put("pytorch", pytorch(dev, outWriter));
            }
            if (lead && report.get("train") instanceof List<?> t && report.get("pytorch") instanceof List<?> p) {
                @SuppressWarnings("unchecked")
                List<TrainResult> train = (List<TrainResult>) t;
                @SuppressWarnings("unchecked")
                List<TwinResult> twin = (List<TwinResult>) p;
                report.put("comparison", compare(train, twin, outWriter));
            }
            if (sections.contains(Section.allreduce)) {
                List<Object> allReduce = new ArrayList<>();
                allReduce(dev, collective, outWriter).ifPresent(allReduce::add);
                if (lead && collective.size() == 1) {
                    multiRank(dev, outWriter).ifPresent(allReduce::add);
                }
                report.put("allreduce", allReduce);
            }
        } finally {
            collective.close();
        }
        if (lead) {
            report.put("wallSeconds", Math.round(elapsed()));
            AtomicFiles.write(out, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
                    .serializeSpecialFloatingPointValues().create().toJson(report).getBytes(StandardCharsets.UTF_8));
            print(outWriter, "report written to " + out + " (" + Math.round(elapsed()) + " s)");
        }
        return 0;
    }

    private double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    private boolean overBudget() {
        return elapsed() > budgetSeconds;
    }

    private static void print(java.io.PrintWriter w, String s) {
        w.println(s.stripTrailing());
        w.flush();
    }

    // ---- smoke -------------------------------------------------------------------------------------------------

    /** One step's numbers on one device. */
    record StepFigures(double loss, double gradNorm) {}

    /** One precision on the GPU against the CPU in float32. */
    record SmokeResult(String amp, List<StepFigures> cpu, List<StepFigures> gpu, double maxLossRelDiff,
            double maxNormRelDiff, double lossTolerance, double normTolerance, boolean pass) {}

    List<SmokeResult> smoke(Device dev, java.io.PrintWriter w) throws IOException {
        print(w, "smoke: " + smokeSteps + " MAE steps of " + smokeModel + " (batch " + smokeBatch + ") on " + dev
                + " against the CPU, from the same weights, masking noise and batches");
        TaskModel reference = BenchRig.buildModel(smokeModel, List.of("fused_attn = false"), smokeBatch);
        List<SmokeResult> results = new ArrayList<>();
        Engine.getInstance().setRandomSeed(0);
        try (BenchRig cpu = new BenchRig(reference, Device.cpu(), smokeBatch, BenchRig.Amp.none, 1.5e-4, true)) {
            // The masking noise is drawn here and given to both devices (their generators differ).
            long patches = reference instanceof MaeModel mae ? mae.numPatches() : -1;
            Map<String, NDArray> weights = Checkpoints.modelTensors(cpu.trainable);
            // The weights before any step, held on the CPU: each GPU run starts from them.
            Map<String, NDArray> initial = new LinkedHashMap<>();
            weights.forEach((k, v) -> {
                NDArray c = v.duplicate();
                c.attach(cpu.manager);
                initial.put(k, c);
            });
            List<float[]> noise = new ArrayList<>();
            java.util.SplittableRandom r = new java.util.SplittableRandom(7);
            for (int i = 0; i < smokeSteps; i++) {
                float[] n = new float[(int) (smokeBatch * Math.max(patches, 0))];
                for (int j = 0; j < n.length; j++) {
                    n[j] = (float) r.nextDouble();
                }
                noise.add(n);
            }
            List<StepFigures> cpuFigures = run(cpu, noise, patches);
            for (BenchRig.Amp amp : List.of(BenchRig.Amp.none, BenchRig.Amp.bf16)) {
                TaskModel m = BenchRig.buildModel(smokeModel, List.of("fused_attn = false"), smokeBatch);
                try (BenchRig gpu = new BenchRig(m, dev, smokeBatch, amp, 1.5e-4, true)) {
                    WeightLoader.load("the CPU model's initial weights", initial, gpu.trainable, LoadPolicy.STRICT);
                    List<StepFigures> g = run(gpu, noise, patches);
                    double dl = 0;
                    double dn = 0;
                    for (int i = 0; i < g.size(); i++) {
                        dl = Math.max(dl, rel(g.get(i).loss(), cpuFigures.get(i).loss()));
                        dn = Math.max(dn, rel(g.get(i).gradNorm(), cpuFigures.get(i).gradNorm()));
                    }
                    double lt = amp == BenchRig.Amp.none ? FP32_LOSS_TOL : BF16_LOSS_TOL;
                    double nt = amp == BenchRig.Amp.none ? FP32_NORM_TOL : BF16_NORM_TOL;
                    boolean pass = dl <= lt && dn <= nt;
                    results.add(new SmokeResult(amp == BenchRig.Amp.none ? "fp32" : "bf16", cpuFigures, g, dl, dn,
                            lt, nt, pass));
                    print(w, String.format(Locale.ROOT, "  %-5s loss max rel diff %.2e (tol %.0e), grad norm %.2e "
                            + "(tol %.0e): %s", amp == BenchRig.Amp.none ? "fp32" : "bf16", dl, lt, dn, nt,
                            pass ? "ok" : "FAILED"));
                }
            }
        } catch (RuntimeException e) {
            print(w, "  smoke failed: " + e.getMessage());
            throw e;
        }
        return results;
    }

    private static double rel(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
    }

    /** The steps of the smoke with the given noise; each step's loss and norm read (a few steps: syncs do not matter). */
    private static List<StepFigures> run(BenchRig rig, List<float[]> noise, long patches) {
        List<StepFigures> figures = new ArrayList<>();
        for (float[] n : noise) {
            try (NDManager step = rig.manager.newSubManager()) {
                List<NDArray> extra = patches > 0
                        ? List.of(step.create(n, new Shape(rig.batch, patches)).toDevice(rig.manager.getDevice(), false))
                        : List.of();
                BenchRig.Step s = rig.step(step, extra, () -> {});
                figures.add(new StepFigures(s.loss().toType(DataType.FLOAT64, false).getDouble(), s.gradNorm()));
            }
        }
        return figures;
    }

    // ---- throughput --------------------------------------------------------------------------------------------

    /** One timed configuration; the peak memory is the GPU's in use (cudaMemGetInfo), on a CPU the process's RSS. */
    record TrainResult(int batch, String amp, boolean fusedAttn, String status, double msPerStep, double imgPerS,
            long peakMemoryMb, double syncsPerStep, double finalLoss) {}

    List<TrainResult> train(Device dev, java.io.PrintWriter w) {
        print(w, "train: MAE " + model + ", " + steps + " timed steps after " + warmup + " on " + dev
                + " (img/s from the wall time of all timed steps; one host read per optimizer step, the gradient"
                + " norm, as in training)");
        print(w, String.format(Locale.ROOT, "  %6s %5s %6s %10s %10s %10s %8s", "batch", "amp", "fused", "ms/step",
                "img/s", "peak MiB", "syncs"));
        List<TrainResult> results = new ArrayList<>();
        for (int batch : batches) {
            for (BenchRig.Amp amp : amps) {
                for (boolean fused : fusedAttn) {
                    TrainResult r = overBudget()
                            ? new TrainResult(batch, amp.name(), fused, "skipped: time budget", 0, 0, 0, -1, 0)
                            : time(dev, batch, amp, fused);
                    results.add(r);
                    print(w, String.format(Locale.ROOT, "  %6d %5s %6s %10.1f %10.1f %10d %8s  %s", batch, amp,
                            fused, r.msPerStep(), r.imgPerS(), r.peakMemoryMb(),
                            r.syncsPerStep() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.syncsPerStep()),
                            r.status()));
                }
            }
        }
        return results;
    }

    private TrainResult time(Device dev, int batch, BenchRig.Amp amp, boolean fused) {
        TaskModel m = BenchRig.buildModel(model, List.of("fused_attn = " + fused), batch);
        Engine.getInstance().setRandomSeed(0);
        try (BenchRig rig = new BenchRig(m, dev, batch, amp, 1.5e-4, true)) {
            NDArray last = null;
            long t0 = 0;
            long syncs0 = 0;
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    sync(last);
                    syncs0 = SyncCounter.count();
                    t0 = System.nanoTime();
                }
                try (NDManager step = rig.manager.newSubManager()) {
                    BenchRig.Step s = rig.step(step, List.of(), () -> {});
                    if (last != null) {
                        last.close();
                    }
                    last = s.loss();
                    last.attach(rig.manager);
                }
            }
            long syncs = SyncCounter.count() - syncs0;
            double loss = last.toType(DataType.FLOAT64, false).getDouble();
            double seconds = (System.nanoTime() - t0) / 1e9;
            // The caching allocator keeps what it reserved: the memory in use now is the peak of the steps.
            long peak = deviceMemoryUsedMb(dev);
            double ms = seconds * 1e3 / steps;
            return new TrainResult(batch, amp.name(), fused, "ok", ms, batch * 1000.0 / ms, peak,
                    SyncCounter.available() ? (double) syncs / steps : -1, loss);
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            String status = msg.contains("out of memory") ? "oom" : "failed: " + msg.lines().findFirst().orElse("");
            return new TrainResult(batch, amp.name(), fused, status, 0, 0, 0, -1, 0);
        } finally {
            if (dev.isGpu()) {
                org.easycv4j.core.engine.TorchOps.emptyCudaCache();
            }
        }
    }

    /** Waits for the device by reading the last loss (the one host read that ends a timed span). */
    private static void sync(NDArray last) {
        if (last != null) {
            last.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /** Memory in use on the GPU (cudaMemGetInfo: the whole device, the caching allocator's reserve included). */
    private static long deviceMemoryUsedMb(Device dev) {
        if (!dev.isGpu()) {
            return BenchModelCommand.peakRssMb();
        }
        try {
            var usage = ai.djl.util.cuda.CudaUtils.getGpuMemory(dev);
            return usage.getCommitted() / (1 << 20);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return -1;
        }
    }

    // ---- the PyTorch twin --------------------------------------------------------------------------------------

    /** The twin's RESULT lines, parsed to key/value maps, and how it was run. */
    record TwinResult(String command, String header, List<Map<String, String>> results, String status) {}

    List<TwinResult> pytorch(Device dev, java.io.PrintWriter w) throws IOException, InterruptedException {
        List<TwinResult> runs = new ArrayList<>();
        if ("none".equals(python)) {
            print(w, "pytorch: skipped (no interpreter with torch given: --python)");
            return runs;
        }
        String joinedBatches = String.join(",", batches.stream().map(String::valueOf).toList());
        String joinedAmps = String.join(",", amps.stream().map(Enum::name).toList());
        String attns = String.join(",", fusedAttn.stream().map(f -> f ? "sdpa" : "explicit").toList());
        String twinDevice = dev.isGpu() ? "cuda" : "cpu";
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("preset=" + twinPreset, "device=" + twinDevice, "batches=" + joinedBatches,
                "amps=" + joinedAmps, "attns=" + attns, "steps=" + steps, "warmup=" + warmup));
        if (!noCompile) {
            commands.add(List.of("preset=" + twinPreset, "device=" + twinDevice, "batches=" + joinedBatches,
                    "amps=" + joinedAmps, "attns=sdpa", "compile=1", "steps=" + steps, "warmup=" + warmup));
        }
        for (List<String> args : commands) {
            if (overBudget()) {
                runs.add(new TwinResult(String.join(" ", args), "", List.of(), "skipped: time budget"));
                continue;
            }
            List<String> cmd = new ArrayList<>(List.of(python.split(" ")));
            cmd.add(twin.toString());
            cmd.addAll(args);
            print(w, "pytorch: " + String.join(" ", cmd));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            Process p = pb.start();
            p.getOutputStream().close();
            List<Map<String, String>> results = new ArrayList<>();
            String header = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (header.isEmpty() && line.startsWith("pytorch ")) {
                        header = line;
                        print(w, "  " + line);
                    }
                    if (line.startsWith("RESULT ")) {
                        results.add(fields(line));
                        print(w, "  " + line);
                    }
                }
            }
            boolean ended = p.waitFor(Math.max(30, budgetSeconds), TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            runs.add(new TwinResult(String.join(" ", cmd), header, results,
                    !ended ? "timed out" : p.exitValue() == 0 ? "ok" : "exit " + p.exitValue()));
        }
        return runs;
    }

    /** One configuration side by side: this project's img/s over PyTorch's, eager and compiled. */
    record Comparison(int batch, String amp, boolean fusedAttn, double imgPerS, double pytorchEagerImgPerS,
            double ratioEager, double pytorchCompiledImgPerS, double ratioCompiled, String target) {}

    /**
     * Pairs each timed configuration with the twin's (same batch and precision; fused attention against SDPA,
     * explicit against explicit) and states the targets where they apply: bf16 at least PyTorch eager,
     * fp32 at least 0.9x, at most one host synchronisation per optimizer step.
     */
    static List<Comparison> compare(List<TrainResult> train, List<TwinResult> twin, java.io.PrintWriter w) {
        List<Comparison> out = new ArrayList<>();
        print(w, String.format(Locale.ROOT, "side by side (img/s; ratio = this / PyTorch):%n  %6s %5s %6s %10s %10s "
                + "%6s %10s %6s  %s", "batch", "amp", "fused", "easycv4j", "eager", "ratio", "compiled", "ratio",
                "target"));
        for (TrainResult r : train) {
            if (!"ok".equals(r.status())) {
                continue;
            }
            String attn = r.fusedAttn() ? "sdpa" : "explicit";
            double eager = twinFigure(twin, r.batch(), r.amp(), attn, "0");
            double compiled = twinFigure(twin, r.batch(), r.amp(), attn, "1");
            double re = eager > 0 ? r.imgPerS() / eager : Double.NaN;
            double rc = compiled > 0 ? r.imgPerS() / compiled : Double.NaN;
            String target = "";
            if (r.fusedAttn() && eager > 0 && (r.amp().equals("bf16") || r.amp().equals("none"))) {
                double need = r.amp().equals("bf16") ? 1.0 : 0.9;
                target = String.format(Locale.ROOT, ">= %.1fx eager: %s", need, re >= need ? "met" : "NOT met");
            }
            if (r.syncsPerStep() >= 0) {
                target += (target.isEmpty() ? "" : "; ") + "syncs/step <= 1: " + (r.syncsPerStep() <= 1 ? "met"
                        : "NOT met");
            }
            out.add(new Comparison(r.batch(), r.amp(), r.fusedAttn(), r.imgPerS(), eager, re, compiled, rc, target));
            print(w, String.format(Locale.ROOT, "  %6d %5s %6s %10.1f %10s %6s %10s %6s  %s", r.batch(), r.amp(),
                    r.fusedAttn(), r.imgPerS(), eager > 0 ? String.format(Locale.ROOT, "%.1f", eager) : "-",
                    Double.isNaN(re) ? "-" : String.format(Locale.ROOT, "%.3f", re),
                    compiled > 0 ? String.format(Locale.ROOT, "%.1f", compiled) : "-",
                    Double.isNaN(rc) ? "-" : String.format(Locale.ROOT, "%.3f", rc), target));
        }
        return out;
    }

    /** The twin's img/s for one configuration (0 when it has none: not run, failed, or out of memory). */
    private static double twinFigure(List<TwinResult> twin, int batch, String amp, String attn, String compiled) {
        for (TwinResult t : twin) {
            for (Map<String, String> f : t.results()) {
                if (String.valueOf(batch).equals(f.get("batch")) && amp.equals(f.get("amp")) && attn.equals(f.get("attn"))
                        && compiled.equals(f.get("compile")) && f.get("img_per_s") != null) {
                    return Double.parseDouble(f.get("img_per_s"));
                }
            }
        }
        return 0;
    }

    /** {@code RESULT a=1 b=x ...} as a map (the first word after RESULT is the side, under "side"). */
    static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] parts = line.trim().split("\\s+");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                m.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            } else if (i == 1) {
                m.put("side", parts[i]);
            }
        }
        return m;
    }

    // ---- all-reduce --------------------------------------------------------------------------------------------

    /** One all-reduce figure: {@code count} float32 values, nccl-tests' algorithm and bus bandwidth. */
    record AllReduceResult(int ranks, long count, double msPerCall, double algBandwidthGBs, double busBandwidthGBs,
            String status) {}

    Optional<AllReduceResult> allReduce(Device dev, Collective collective, java.io.PrintWriter w) {
        if (!dev.isGpu()) {
            print(w, "allreduce: skipped (NCCL needs a GPU)");
            return Optional.empty();
        }
        long count;
        try (NDManager probe = NDManager.newBaseManager(Device.cpu())) {
            TaskModel m = BenchRig.buildModel(model, List.of(), 1);
            m.block().initialize(probe, DataType.FLOAT32, m.inputShapes(1));
            count = m.namedParameters().stream().filter(p -> p.parameter().requiresGradient())
                    .mapToLong(p -> p.parameter().getArray().size()).sum();
        }
        try (NDManager manager = NDManager.newBaseManager(dev);
                Nccl.Communicator comm = Nccl.load().connect(collective, dev.getDeviceId())) {
            NDArray grads = manager.ones(new Shape(count), DataType.FLOAT32);
            var address = TensorMemory.address(grads);
            for (int i = 0; i < 3; i++) {
                comm.allReduceSum(address, count);
            }
            sync(grads.get(0));
            collective.barrier();
            int calls = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                comm.allReduceSum(address, count);
            }
            sync(grads.get(0));
            double ms = (System.nanoTime() - t0) / 1e6 / calls;
            double bytes = count * 4.0;
            double alg = bytes / (ms / 1e3) / 1e9;
            int n = collective.size();
            AllReduceResult r = new AllReduceResult(n, count, ms, alg, alg * 2.0 * (n - 1) / n, "ok");
            if (collective.rank() == 0) {
                print(w, String.format(Locale.ROOT, "allreduce: %d rank(s), %d floats (%s's gradients): %.2f ms, "
                        + "algbw %.1f GB/s, busbw %.1f GB/s", n, count, model, ms, alg, r.busBandwidthGBs()));
            }
            return Optional.of(r);
        } catch (RuntimeException e) {
            print(w, "allreduce: failed: " + e.getMessage());
            return Optional.of(new AllReduceResult(collective.size(), count, 0, 0, 0, "failed: " + e.getMessage()));
        }
    }

    /**
     * The all-reduce by one rank per GPU (up to 8) under mpirun, when this machine has 2+ GPUs: that run's report
     * section, embedded in this one.
     */
    private Optional<Object> multiRank(Device dev, java.io.PrintWriter w) throws IOException, InterruptedException {
        int gpus = TorchEngine.current().gpus();
        if (!dev.isGpu() || gpus < 2 || mpirunSelf == null) {
            return Optional.empty();
        }
        if (overBudget()) {
            print(w, "allreduce: " + gpus + " ranks skipped (time budget)");
            return Optional.of(Map.of("ranks", Math.min(gpus, 8), "status", "skipped: time budget"));
        }
        Path part = java.nio.file.Files.createTempFile("gpu-check-allreduce", ".json");
        List<String> cmd = List.of("mpirun", "-np", Integer.toString(Math.min(gpus, 8)), "--bind-to", "none",
                "-x", "EASYCV4J_TORCH", "-x", "LD_PRELOAD", "-x", "PATH", "-x", "LD_LIBRARY_PATH", mpirunSelf,
                "--sections", "allreduce", "--launcher", "mpi", "--out", part.toString());
        print(w, "allreduce: " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("allreduce:")) {
                    print(w, "  " + line);
                }
            }
        }
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        try {
            if (!ended || p.exitValue() != 0) {
                return Optional.of(Map.of("ranks", Math.min(gpus, 8), "status", !ended ? "timed out"
                        : "exit " + p.exitValue()));
            }
            var parsed = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(part))
                    .getAsJsonObject().get("allreduce");
            return Optional.of(new com.google.gson.Gson().fromJson(parsed, Object.class));
        } finally {
            java.nio.file.Files.deleteIfExists(part);
        }
    }

    // ---- host synchronisations ---------------------------------------------------------------------------------

    /**
     * The counter of tools/lib/cuda_sync_count.c when the launcher preloaded it (LD_PRELOAD): CUDA runtime calls
     * that block the host. Absent, the count is unknown (-1), never assumed zero.
     */
    static final class SyncCounter {
        private static final Function COUNT = lookup();

        private static Function lookup() {
            try {
                return NativeLibrary.getProcess().getFunction("easycv4j_cuda_syncs");
            } catch (UnsatisfiedLinkError e) {
                return null;
            }
        }

        static boolean available() {
            return COUNT != null;
        }

        static long count() {
            return COUNT == null ? -1 : COUNT.invokeLong(new Object[0]);
        }
    }
}
