package org.easycv4j.tools;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.optim.NamedParameter;
import org.easycv4j.core.optim.ParamGroups;
import org.easycv4j.core.optim.ParamRule;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.models.mae.MaeModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Option(names = "--profile", paramLabel = "TRACE_JSON",
            description = "record the timed steps with the engine's profiler: writes a Chrome trace and prints "
                    + "the operators that took the most time")
    Path profile;

    static final String TINY_MAE = "type = MAE, embed_dim = 192, depth = 12, num_heads = 3, "
            + "decoder_embed_dim = 128, decoder_depth = 4, decoder_num_heads = 4, norm_pix_loss = true, ";

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchModelCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // Read once when the engine starts, so set before anything touches it.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        TaskModel model = buildModel();
        Engine engine = Engine.getInstance();
        engine.setRandomSeed(0);
        Shape input = model.inputShapes(batch)[0];
        int channels = (int) input.get(1);
        int size = (int) input.get(2);
        System.out.printf(Locale.ROOT, "engine %s %s threads=%d target=%s batch=%d input=%s%n", engine.getEngineName(),
                engine.getVersion(), threads, target, batch, input);

        try (NDManager manager = NDManager.newBaseManager()) {
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(batch));
            List<NamedParameter> trainable = model.namedParameters().stream()
                    .filter(p -> p.parameter().requiresGradient()).toList();
            // The reference's groups: no decay for 1-D parameters and the tokens, 0.05 for the rest.
            ParamGroups groups = new ParamGroups(0.05, List.of(new ParamRule(Pattern.compile("token$"),
                    OptionalDouble.empty(), OptionalDouble.of(0.0), OptionalDouble.empty())), true, Set.of(), 1.0);
            AdamW optimizer = new AdamW(new AdamWSettings(lr, 0.9, 0.95, 1e-8, 0.05, groups, 0));
            optimizer.init(trainable, manager);
            ParameterStore store = new ParameterStore(manager, false);
            GradientOps gradients = GradientOps.forEngine(manager);
            float[][] data = syntheticImages(32, channels, size, 42);
            SplittableRandom pick = new SplittableRandom(0);
            boolean labelled = !(model instanceof MaeModel);
            int classes = labelled ? (int) model.block().getOutputShapes(model.inputShapes(batch))[0].get(1) : 0;

            List<Double> times = new ArrayList<>();
            List<Double> cpuTimes = new ArrayList<>();
            double[] phase = new double[4];
            for (int step = 0; step < warmup + steps; step++) {
                float[] pixels = new float[batch * data[0].length];
                long[] labels = new long[batch];
                for (int i = 0; i < batch; i++) {
                    int k = pick.nextInt(data.length);
                    System.arraycopy(data[k], 0, pixels, i * data[k].length, data[k].length);
                    labels[i] = k % Math.max(1, classes);
                }
                if (profile != null && step == warmup) {
                    org.easycv4j.core.engine.EngineProfiler.start();
                }
                long t0 = System.nanoTime();
                long c0 = processCpuNanos();
                double loss;
                long t1;
                long t2;
                long t3;
                try (NDManager stepManager = manager.newSubManager()) {
                    NDArray images = stepManager.create(pixels, new Shape(batch, channels, size, size));
                    NDList labelList = labelled ? new NDList(stepManager.create(labels)) : new NDList();
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        StepOutput out = model.forward(store, new Batch(new NDList(images), labelList, batch), true);
                        loss = out.loss().getFloat();
                        t1 = System.nanoTime();
                        gc.backward(out.loss());
                    }
                    t2 = System.nanoTime();
                    NDArray norm = gradients.clip(trainable, 1.0, stepManager);
                    t3 = System.nanoTime();
                    optimizer.step(lr);
                    if (!optimizer.zeroesGradients()) {
                        gradients.zero(trainable);
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (step >= warmup) {
                        times.add(ms);
                        cpuTimes.add((processCpuNanos() - c0) / 1e6);
                        phase[0] += (t1 - t0) / 1e6;
                        phase[1] += (t2 - t1) / 1e6;
                        phase[2] += (t3 - t2) / 1e6;
                        phase[3] += (System.nanoTime() - t3) / 1e6;
                    }
                    System.out.printf(Locale.ROOT, "step %3d loss %.4f gnorm %.3f %.1f ms%n", step, loss,
                            norm.getFloat(), ms);
                }
            }
            int n = times.size();
            if (profile != null) {
                org.easycv4j.core.engine.EngineProfiler.stop(profile);
                System.out.print(ProfileSummary.read(profile).format(25, n));
            }
            System.out.printf(Locale.ROOT, "PHASES mean ms: forward %.1f backward %.1f clip %.1f step+zero %.1f%n",
                    phase[0] / n, phase[1] / n, phase[2] / n, phase[3] / n);
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] cpu = cpuTimes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "RESULT djl target=%s batch=%d median_ms=%.1f min_ms=%.1f "
                    + "median_cpu_ms=%.1f n=%d peak_rss_mb=%d%n", target, batch, sorted[n / 2], sorted[0], cpu[n / 2], n,
                    peakRssMb());
        }
        return 0;
    }

    private TaskModel buildModel() throws Exception {
        Config modelConfig = switch (target) {
            case "tiny224" -> ConfigFactory.parseString(TINY_MAE + "img_size = 224, patch_size = 16");
            case "small32" -> ConfigFactory.parseString(TINY_MAE + "img_size = 32, patch_size = 4");
            default -> {
                Path file = Path.of(target);
                if (!Files.isRegularFile(file)) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "\"" + target
                            + "\" is neither a preset (tiny224, small32) nor a config file");
                }
                Config c = ConfigFactory.parseFile(file.toFile()).resolve();
                if (!c.hasPath("model")) {
                    throw new IllegalArgumentException(file + ": no \"model\" object");
                }
                yield c.getConfig("model");
            }
        };
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(PluginModule.class).forEach(modules::add);
        Injector injector = Guice.createInjector(modules);
        ConfigNode root = ConfigNode.root(ConfigFactory.empty().withValue("model", modelConfig.root()));
        Spec<TaskModel> spec = injector.getInstance(Components.class).parse(root.object("model"), CoreKinds.MODEL)
                .orElse(null);
        root.problems().throwIfAny();
        if (spec == null) {
            throw new IllegalArgumentException("model config could not be parsed");
        }
        return spec.create(new BuildContext(Path.of("."), 0, batch, false));
    }

    /** The reference script's images: per channel, three random 2-D sinusoids. */
    static float[][] syntheticImages(int count, int channels, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[count][channels * size * size];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < channels; c++) {
                for (int k = 0; k < 3; k++) {
                    double fx = (1 + r.nextInt(4)) * 2 * Math.PI / size;
                    double fy = (1 + r.nextInt(4)) * 2 * Math.PI / size;
                    double ph = r.nextDouble() * 2 * Math.PI;
                    double amp = 0.3 + r.nextDouble();
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            out[i][(c * size + y) * size + x] += (float) (amp * Math.sin(fx * x + fy * y + ph));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * CPU time of the whole process (all threads). On a shared machine this is steadier than wall time; with
     * {@code OMP_WAIT_POLICY=PASSIVE} idle worker threads do not spin, so it measures work.
     */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
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
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
