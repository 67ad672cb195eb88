package org.easycv4j.core.runner;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.optim.NamedParameter;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.optim.schedule.FixedLr;
import org.easycv4j.core.optim.schedule.Warmup;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.hooks.EvalHook;
import org.easycv4j.core.runner.hooks.LrUpdaterHook;
import org.easycv4j.core.runner.hooks.ProgressHook;
import org.easycv4j.core.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a checked {@link Experiment} and runs it: writes the resolved config and provenance, builds every
 * component, initializes the model and hands over to {@link TrainLoop} with the hooks. The loops, hooks and
 * components do the work; this class only wires them.
 */
public final class Runner {
    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
    /** File names inside the work dir. */
    public static final String RESOLVED_CONFIG = "config.resolved.conf";
    public static final String PROVENANCE = "provenance.json";

    private final Experiment experiment;
    private final Config resolved;
    private final List<String> commandLine;
    private final Path configFile;

    /**
     * @param experiment the checked experiment
     * @param resolved the resolved configuration it came from (written to the work dir)
     * @param commandLine the launcher's arguments (for provenance)
     * @param configFile the experiment file
     */
    public Runner(Experiment experiment, Config resolved, List<String> commandLine, Path configFile) {
        this.experiment = experiment;
        this.resolved = resolved;
        this.commandLine = List.copyOf(commandLine);
        this.configFile = configFile;
    }

    /** The result of a training run. */
    public record TrainResult(Path workDir, long iterations, Map<String, Double> lastMetrics) {}

    /**
     * Trains. With {@code dryRun} every component is built and the model initialized, then it stops before the
     * first batch.
     */
    public TrainResult train(boolean dryRun) throws IOException {
        Path workDir = experiment.workDir();
        writeRunRecords(workDir);
        Engine.getInstance().setRandomSeed((int) experiment.seed());
        Device device = Devices.parse(experiment.device());
        Experiment.DataSettings data = experiment.data();
        int effectiveBatch = data.imgsPerGpu() * experiment.optimizerConfig().updateInterval();
        BuildContext ctx = new BuildContext(workDir, experiment.seed(), effectiveBatch, dryRun);

        TaskModel model = experiment.model().create(ctx);
        Dataset trainSet = data.train().create(ctx);
        Optimizer optimizer = experiment.optimizer().create(ctx);
        LrSchedule schedule = experiment.lrSchedule() == null
                ? new FixedLr(new Warmup("none", 0, 1, false))
                : experiment.lrSchedule().create(ctx);
        List<Hook> hooks = new ArrayList<>();
        for (Spec<Hook> s : experiment.log().hooks()) {
            hooks.add(s.create(ctx));
        }
        for (Spec<Hook> s : experiment.customHooks()) {
            hooks.add(s.create(ctx));
        }
        List<EvalParts> evals = new ArrayList<>();
        for (Experiment.EvalPipeline p : experiment.eval().pipelines()) {
            List<Evaluator> evaluators = new ArrayList<>();
            p.evaluators().forEach(e -> evaluators.add(e.create(ctx)));
            evals.add(new EvalParts(p.data().create(ctx), evaluators));
        }
        LOG.info("device {}, {} training samples, {} per batch, {} epochs", device, trainSet.size(),
                data.imgsPerGpu(), experiment.totalEpochs());

        try (NDManager manager = NDManager.newBaseManager(device);
                DataLoader loader = trainSet.loader(new LoaderSettings(data.imgsPerGpu(), data.workersPerGpu(), true,
                        data.dropLast(), experiment.seed(), 0, 1))) {
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(data.imgsPerGpu()));
            List<NamedParameter> all = model.namedParameters();
            List<NamedParameter> trainable = all.stream()
                    .filter(p -> p.parameter().requiresGradient()).toList();
            long count = trainable.stream().mapToLong(p -> p.parameter().getArray().size()).sum();
            LOG.info("model {}: {} parameter arrays, {} trainable values", experiment.model().type(), all.size(),
                    count);
            if (dryRun) {
                LOG.info("dry run: every component was built; stopping before training");
                return new TrainResult(workDir, 0, Map.of());
            }
            if (loader.batchesPerEpoch() == 0) {
                throw new IllegalStateException("the training set yields no batch: " + trainSet.size()
                        + " samples, imgs_per_gpu = " + data.imgsPerGpu() + ", drop_last = " + data.dropLast());
            }
            optimizer.init(trainable, manager);
            RunContext context = new RunContext(workDir, manager, model, optimizer, experiment.totalEpochs(),
                    loader.batchesPerEpoch());
            context.setLogInterval(experiment.log().interval());
            hooks.add(new LrUpdaterHook(schedule, optimizer.baseLr()));
            hooks.add(new ProgressHook(ProgressHook.resolve(experiment.progress()), 30));
            List<DataLoader> valLoaders = new ArrayList<>();
            try {
                if (!evals.isEmpty()) {
                    List<ValLoop> loops = new ArrayList<>();
                    for (EvalParts e : evals) {
                        DataLoader l = e.dataset().loader(new LoaderSettings(data.imgsPerGpu(), data.workersPerGpu(),
                                false, false, experiment.seed(), 0, 1));
                        valLoaders.add(l);
                        loops.add(new ValLoop(model, l, e.evaluators()));
                    }
                    hooks.add(new EvalHook(loops, experiment.eval().interval(), experiment.eval().initial()));
                }
                Hooks hookList = new Hooks(hooks);
                context.setHooks(hookList);
                TrainLoop loop = new TrainLoop(model, trainable, optimizer, loader, hookList,
                        experiment.optimizerConfig());
                hookList.beforeRun(context);
                try {
                    loop.run(context, 0);
                } finally {
                    hookList.afterRun(context);
                }
            } finally {
                optimizer.close();
                for (DataLoader l : valLoaders) {
                    l.close();
                }
            }
            return new TrainResult(workDir, context.maxIters(), context.valMetrics());
        }
    }

    private record EvalParts(Dataset dataset, List<Evaluator> evaluators) {}

    /** Writes {@code config.resolved.conf} and {@code provenance.json} into the work dir. */
    void writeRunRecords(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        AtomicFiles.write(workDir.resolve(RESOLVED_CONFIG),
                ConfigLoader.render(resolved).getBytes(StandardCharsets.UTF_8));
        Provenance.collect(experiment.seed(), commandLine, configFile.toString()).write(workDir.resolve(PROVENANCE));
    }
}
