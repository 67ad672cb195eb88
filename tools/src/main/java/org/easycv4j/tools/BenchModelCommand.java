package org.easycv4j.tools;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.engine.EngineProfiler;
import org.easycv4j.core.runner.Devices;
import org.easycv4j.core.runner.TrainStep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench-model CONFIG_OR_PRESET [--batch N] [--steps N] [--warmup N] [--threads N]}: times full training
 * steps (forward, backward, global-norm clipping to 1.0, AdamW with two weight-decay groups) on synthetic
 * images and prints the median milliseconds per step and the peak resident memory. The presets match the
 * PyTorch reference script's: {@code tiny224} (MAE, 224², patch 16, ViT-Tiny 192×12×3, decoder 128×4×4,
 * norm-pix loss) and {@code small32} (the same at 32², patch 4). A config file's {@code model} object is
 * built through the registry instead.
 */
@Command(name = "bench-model", mixinStandardHelpOptions = true,
        description = "Time training steps of a model on synthetic data (median ms per step, peak RSS).")
public final class BenchModelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG_OR_PRESET",
            description = "tiny224, small32, or a HOCON file with a model object")
    String target;

    @Option(names = "--batch", description = "images per step (default ${DEFAULT-VALUE})")
    int batch = 8;

    @Option(names = "--steps", description = "timed steps after warm-up (default ${DEFAULT-VALUE})")
    int steps = 20;

    @Option(names = "--warmup", description = "untimed first steps (default ${DEFAULT-VALUE})")
    int warmup = 5;

    @Option(names = "--threads", description = "intra-op threads of the engine (default ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--lr", description = "AdamW lr (default ${DEFAULT-VALUE})")
    double lr = 1.5e-4;

    @Option(names = "--device", description = "auto (a GPU when the engine sees one), cpu, gpu or gpu:N "
            + "(default ${DEFAULT-VALUE})")
    String device = "auto";

    @Option(names = "--amp", paramLabel = "TYPE", arity = "0..1", fallbackValue = "fp16",
            description = "mixed precision: fp16 (float16 matrix products, dynamic loss scaling), bf16 (bfloat16 "
                    + "matrix products, no loss scaling) or none (default ${DEFAULT-VALUE})")
    BenchRig.Amp amp = BenchRig.Amp.none;


    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a model key (HOCON), e.g. --set "
            + "fused_attn=false, or backbone.fused_attn=false for a config with a backbone object; repeatable")
    List<String> sets = new ArrayList<>();

    @Option(names = "--input", description = "how batches reach the engine: uint8 (a reused direct buffer of "
            + "bytes, converted and normalized by the engine on the device) or float32 (a reused direct buffer of "
            + "normalized floats) (default ${DEFAULT-VALUE})")
    Input input = Input.uint8;

    /** How batches reach the engine; lower case as typed on the command line. */
    enum Input { uint8, float32 }

    @Option(names = "--profile", paramLabel = "TRACE_JSON",
            description = "record the timed steps with the engine's profiler: writes a Chrome trace and prints "
                    + "the operators that took the most time")
    Path profile;


    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchModelCommand()).execute(args));
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--batch", batch, 1);
        OptionChecks.atLeast(spec, "--steps", steps, 1);
        OptionChecks.atLeast(spec, "--warmup", warmup, 0);
        OptionChecks.atLeast(spec, "--threads", threads, 1);
        // Read once when the engine starts, so set before anything touches it.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        TaskModel model = buildModel();
        Engine engine = Engine.getInstance();
        engine.setRandomSeed(0);
        Shape inputShape = model.inputShapes(batch)[0];
        int channels = (int) inputShape.get(1);
        int size = (int) inputShape.get(2);
        System.out.printf(Locale.ROOT, "engine %s %s threads=%d target=%s batch=%d input=%s%n", engine.getEngineName(),
                engine.getVersion(), threads, target, batch, inputShape);

        Device dev = Devices.parse(device);
        System.out.printf(Locale.ROOT, "device=%s amp=%s input=%s%n", dev, amp, input);

        try (BenchRig rig = new BenchRig(model, dev, batch, amp, lr, input == Input.uint8)) {
            NDManager manager = rig.manager;
            TrainStep trainStep = rig.trainStep;
            List<Double> times = new ArrayList<>();
            List<Double> cpuTimes = new ArrayList<>();
            double[] phase = new double[4];
            for (int step = 0; step < warmup + steps; step++) {
                // As the loader's workers do, ahead of the step: fill the reused direct buffer.
                long[] labels = rig.fill();
                if (profile != null && step == warmup) {
                    EngineProfiler.start();
                }
                long t0 = System.nanoTime();
                long c0 = processCpuNanos();
                double loss;
                long t1;
                long t2;
                long t3;
                try (NDManager stepManager = manager.newSubManager()) {
                    Batch input = rig.batch(stepManager, labels, List.of());
                    t1 = System.nanoTime();
                    long[] forwardEnd = new long[1];
                    NDArray l = trainStep.forwardBackward(stepManager, input, () -> forwardEnd[0] = System.nanoTime());
                    t2 = forwardEnd[0];
                    // The host read that ends the backward phase (and the loss for the log line).
                    loss = l.getFloat();
                    t3 = System.nanoTime();
                    double norm = trainStep.update(stepManager);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (step >= warmup) {
                        times.add(ms);
                        cpuTimes.add((processCpuNanos() - c0) / 1e6);
                        phase[0] += (t1 - t0) / 1e6;
                        phase[1] += (t2 - t1) / 1e6;
                        phase[2] += (t3 - t2) / 1e6;
                        phase[3] += (System.nanoTime() - t3) / 1e6;
                    }
                    System.out.printf(Locale.ROOT, "step %3d loss %.4f gnorm %.3f %.1f ms%n", step, loss, norm, ms);
                }
            }
            int n = times.size();
            if (profile != null) {
                EngineProfiler.stop(profile);
                System.out.print(ProfileSummary.read(profile).format(25, n));
            }
            System.out.printf(Locale.ROOT, "PHASES mean ms: input %.1f forward %.1f backward %.1f "
                    + "optimizer (unscale+clip+AdamW+zero) %.1f%n", phase[0] / n, phase[1] / n, phase[2] / n,
                    phase[3] / n);
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] cpu = cpuTimes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "RESULT djl target=%s device=%s amp=%s batch=%d median_ms=%.1f min_ms=%.1f "
                    + "img_per_s=%.1f median_cpu_ms=%.1f n=%d peak_rss_mb=%d skipped=%d%n", target, dev, amp, batch,
                    sorted[n / 2], sorted[0], batch * 1000.0 / sorted[n / 2], cpu[n / 2], n, peakRssMb(),
                    trainStep.skippedSteps());
        }
        return 0;
    }

    private TaskModel buildModel() {
        try {
            return BenchRig.buildModel(target, sets, batch);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("is neither a preset")) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
            throw e;
        }
    }

    /**
     * CPU time of the whole process (all threads). On a shared machine this is steadier than wall time; with
     * {@code OMP_WAIT_POLICY=PASSIVE} idle worker threads do not spin, so it measures work.
     */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** VmHWM from /proc/self/status in MiB (-1 where unavailable). */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
