package org.easycv4j.core.runner;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.LoadReport;
import org.easycv4j.core.checkpoint.TrainedModels;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.dist.RankCheck;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.engine.TorchEngine;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.MixedPrecision;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.optim.ParamGroupTable;
import org.easycv4j.core.optim.ParamSchedule;
import org.easycv4j.core.optim.ParamScheduler;
import org.easycv4j.core.optim.schedule.FixedLr;
import org.easycv4j.core.optim.schedule.Warmup;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a checked {@link Experiment}: writes the resolved config and provenance, builds every component,
 * initializes (and possibly restores) the model and hands over to {@link TrainLoop} (with the hooks and the
 * {@link ValLoop} of its validation) or, to evaluate a checkpoint, to the {@link ValLoop}. The loops, hooks and
 * components do the work; this class only wires them.
 */
public final class Runner {
    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
    /** File names inside the work dir. */
    public static final String RESOLVED_CONFIG = "config.resolved.conf";
    public static final String PROVENANCE = "provenance.json";
    public static final String PARAM_GROUPS = "param_groups.json";

    private final Experiment experiment;
    private final Config resolved;
    /** {@link #resolved} as run outputs record it (environment values by name): rendered once. */
    private final String resolvedText;
    private final List<String> commandLine;
    private final Path configFile;
    private final Collective collective;
    /** Wall seconds of the run resumed from (its checkpoint's record), 0 for a fresh run. */
    private double resumedSeconds;
    /** The checkpoint this run continues: resume_from, or auto_resume's choice. */
    private Optional<Path> resume = Optional.empty();

    /**
     * @param experiment the checked experiment
     * @param resolved the resolved configuration it came from (written to the work dir and checkpoints)
     * @param commandLine the launcher's arguments (for provenance)
     * @param configFile the experiment file
     */
    public Runner(Experiment experiment, Config resolved, List<String> commandLine, Path configFile) {
        this(experiment, resolved, commandLine, configFile, Collective.single());
    }

    /**
     * A runner for one rank of a data-parallel job: every rank trains on its shard of each epoch, gradients are
     * averaged over the ranks before every optimizer step, and rank 0 alone writes the work dir.
     */
    public Runner(Experiment experiment, Config resolved, List<String> commandLine, Path configFile,
            Collective collective) {
        this.collective = collective;
        this.experiment = experiment;
        this.resolved = resolved;
        this.resolvedText = ConfigLoader.render(resolved);
        this.commandLine = List.copyOf(commandLine);
        this.configFile = configFile;
    }

    /**
     * The result of a training run.
     *
     * @param stopped true when a stop signal ended it early, after its resume checkpoint was written
     */
    public record TrainResult(Path workDir, long iterations, Map<String, Double> lastMetrics, boolean stopped) {
        public TrainResult(Path workDir, long iterations, Map<String, Double> lastMetrics) {
            this(workDir, iterations, lastMetrics, false);
        }
    }

    private record EvalParts(Dataset dataset, List<Evaluator> evaluators) {}

    /**
     * Trains, starting from {@code resume_from}, the newest checkpoint of the work dir ({@code auto_resume}) or
     * {@code load_from} when set. With {@code dryRun} every component is built, the model initialized and the
     * parameter groups written, then it stops. While it trains, SIGTERM and SIGUSR1 stop it at the next iteration
     * boundary with a resume checkpoint ({@link StopSignals}; the result says {@code stopped}).
     */
    public TrainResult train(boolean dryRun) throws IOException {
        if (dryRun) {
            return trainOrCheck(true);
        }
        // From the start, not only once the loop runs: a signal while the data and model are set up ends the run
        // at its first boundary, with the same exit status, instead of killing the JVM.
        try (StopSignals.Installed signals = StopSignals.process().install()) {
            return trainOrCheck(false);
        }
    }

    /**
     * Holds the work dir's lock while the run writes there: rank 0 alone writes it, so rank 0 alone holds it and
     * tells the others whether it got it, so that every rank of a refused job ends with the same line.
     */
    private TrainResult trainOrCheck(boolean dryRun) throws IOException {
        WorkDirLock lock = null;
        String refusal = "";
        if (collective.isRoot()) {
            try {
                lock = WorkDirLock.take(experiment.workDir());
                List<String> removed = Checkpoints.removeInterruptedSaves(experiment.workDir());
                if (!removed.isEmpty()) {
                    LOG.warn("removed the temporary folders of interrupted checkpoint saves in {}: {}",
                            experiment.workDir(), String.join(", ", removed));
                }
            } catch (IllegalArgumentException e) {
                refusal = e.getMessage();
            }
        }
        refusal = collective.broadcastString(refusal, 0);
        if (!refusal.isEmpty()) {
            if (lock != null) {
                lock.close();
            }
            throw new WorkDirLock.Refused(refusal);
        }
        try {
            return trainLocked(dryRun);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    private TrainResult trainLocked(boolean dryRun) throws IOException {
        Path workDir = experiment.workDir();
        Provenance origin = Provenance.collect(experiment.seed(), commandLine, configFile.toString());
        RankCheck.requireSameRun(collective, resolvedText, origin.codeVersion());
        resume = experiment.resumeFrom().map(AutoResume::followLatest);
        if (experiment.autoResume()) {
            Optional<AutoResume.Choice> auto = autoResume(workDir);
            if (auto.isPresent() && auto.get().state().epoch() >= experiment.totalEpochs()) {
                runInfo("auto_resume: {} completed total_epochs = {} already: nothing left to train",
                        auto.get().checkpoint(), experiment.totalEpochs());
                return new TrainResult(workDir, 0, auto.get().state().metrics());
            }
            resume = auto.map(AutoResume.Choice::checkpoint);
        }
        if (resume.isEmpty()) {
            requireNoEarlierRun(workDir);
        }
        String provenance = collective.isRoot() ? writeRunRecords(workDir, origin) : "";
        Engine.getInstance().setRandomSeed(RunSeeds.epoch(experiment.seed(), -1));
        TorchEngine engine = TorchEngine.current();
        Devices.Choice choice = trainingDevice(engine);
        LOG.info("engine: {}", engine.describe());
        if (!choice.device().isGpu() && engine.runtimeGpus() > 0) {
            LOG.warn("{}", choice.reason());
        } else {
            LOG.info("{}", choice.reason());
        }
        Device device = choice.device();
        Experiment.DataSettings data = experiment.data();
        int batchSize = data.imgsPerGpu();
        // imgs_per_gpu is per process, as in EasyCV: the global batch (and the lr scaling) counts every rank.
        int effectiveBatch = batchSize * collective.size() * experiment.optimizerConfig().updateInterval();
        BuildContext ctx = new BuildContext(workDir, experiment.seed(), effectiveBatch, dryRun);

        TaskModel model = experiment.model().create(ctx);
        Dataset trainSet = data.train().create(ctx);
        requireLabelsFit(model, "data.train", trainSet);
        Optimizer optimizer = experiment.optimizer().create(ctx);
        LrSchedule schedule = experiment.lrSchedule() == null
                ? new FixedLr(Warmup.NONE)
                : experiment.lrSchedule().create(ctx);
        List<Hook> hooks = new ArrayList<>();
        for (Spec<Hook> s : experiment.log().hooks()) {
            hooks.add(s.create(ctx));
        }
        for (Spec<Hook> s : experiment.customHooks()) {
            hooks.add(s.create(ctx));
        }
        for (Spec<Hook> s : experiment.defaultHooks()) {
            hooks.add(s.create(ctx));
        }
        TrainLoop loop = experiment.trainLoop().create(ctx);
        ValLoop valLoop = experiment.valLoop().create(ctx);
        if (!collective.isRoot()) {
            hooks.removeIf(Hook::rootOnly);
        }
        List<EvalParts> evals = buildEvals(ctx, Optional.of(model));
        if (collective.size() > 1) {
            LOG.info("rank {} of {} (local rank {}) on {}, {} training samples, {} per batch and rank ({} in all), "
                    + "{} epochs", collective.rank(), collective.size(), collective.localRank(), device,
                    trainSet.size(), batchSize, batchSize * collective.size(), experiment.totalEpochs());
        } else {
            LOG.info("device {}, {} training samples, {} per batch, {} epochs", device, trainSet.size(), batchSize,
                    experiment.totalEpochs());
        }

        try (NDManager manager = NDManager.newBaseManager(device);
                DataLoader loader = trainSet.loader(new LoaderSettings(batchSize, data.workersPerGpu(), true,
                        data.dropLast(), experiment.seed(), collective.rank(), collective.size())
                        .withRepeatedAugment(data.repeatedAugment()))) {
            List<NamedParameter> params = initialize(model, manager, data.imgsPerGpu());
            List<NamedParameter> trainable = params.stream().filter(p -> p.parameter().requiresGradient()).toList();
            optimizer.init(trainable, model.layerIds(), manager);
            List<ParamSchedule> others = new ArrayList<>();
            for (Spec<ParamSchedule> p : experiment.paramSchedules()) {
                others.add(p.create(ctx));
            }
            ParamScheduler scheduler = new ParamScheduler(schedule, others, loader.batchesPerEpoch(),
                    experiment.optimizerConfig().updateInterval(), experiment.totalEpochs());
            // Before the dry-run exit: a schedule the optimizer cannot follow fails the check.
            scheduler.check(optimizer);
            if (model.layerIds() == LayerIds.NONE
                    && optimizer.paramGroups().map(g -> g.layerDecay() != 1.0).orElse(false)) {
                runInfo("layer_decay has no effect: model {} gives no layer ids (TaskModel.layerIds)",
                        experiment.model().type());
            }
            if (resume.isEmpty()) {
                // Before the dry-run exit too: a pretrained file that does not fit fails the check, not the run.
                model.afterInitialize(manager);
            }
            if (experiment.precision() != MixedPrecision.NONE) {
                // Before the dry-run exit: a model without mixed-precision support fails the check.
                model.setAutocast(experiment.precision().matmulType());
            }
            ParamGroupTable table = ParamGroupTable.of(params, model.layerIds(), optimizer);
            if (collective.isRoot()) {
                table.writeJson(workDir.resolve(PARAM_GROUPS));
            }
            if (dryRun) {
                if (collective.isRoot()) {
                    System.out.println(table.format());
                    System.out.println("engine: " + engine.describe());
                    System.out.println("device: " + device + " (" + choice.reason() + ")");
                }
                runInfo("dry run: every component was built; parameter groups written to {}; stopping before "
                        + "training", workDir.resolve(PARAM_GROUPS));
                return new TrainResult(workDir, 0, Map.of());
            }
            if (loader.batchesPerEpoch() == 0) {
                throw new IllegalStateException("the training set yields no batch: " + trainSet.size()
                        + " samples, imgs_per_gpu = " + data.imgsPerGpu() + ", drop_last = " + data.dropLast());
            }
            Optional<LossScaler> scaler = experiment.amp().map(s -> new LossScaler(s, manager));
            if (experiment.precision() == MixedPrecision.BF16) {
                runInfo("mixed precision: matrix products in bfloat16, no loss scaling");
                if (!device.isGpu()) {
                    runWarn("amp = bf16 on {}: fast only on CPUs with bfloat16 instructions (AVX512-BF16, AMX); "
                            + "mixed precision pays off on GPUs", device);
                }
            }
            if (scaler.isPresent()) {
                runInfo("mixed precision: matrix products in float16, dynamic loss scaling from {}",
                        scaler.get().settings().initScale());
                if (!device.isGpu()) {
                    runWarn("amp = fp16 on {}: CPUs without native float16 arithmetic emulate it, typically 10-20x "
                            + "slower than float32; mixed precision pays off on GPUs", device);
                }
            }
            int globalBatch = batchSize * collective.size();
            TrainLoop.Position start = restore(model, params, optimizer, scaler, CheckpointedHook.among(hooks),
                    manager, loader.batchesPerEpoch(), globalBatch);
            RunContext context = new RunContext(workDir, experiment.totalEpochs(), loader.batchesPerEpoch(),
                    experiment.log().interval());
            RunServices services = RunServices.builder().setManager(manager).optExperiment(experiment)
                    .optModel(model).optParameters(params).optOptimizer(optimizer).optCollective(collective)
                    .optLossScaler(scaler).optResolvedConfig(resolvedText).optProvenance(provenance)
                    .optTrainedBefore(resumedSeconds).optGlobalBatch(globalBatch).optParamGroups(table)
                    .optValLoop(valLoop).build();
            // The hook that saves a stopped run's resume point (rank 0's checkpoint hook); none elsewhere.
            TrainLoop.StopCheckpoint stopCheckpoint = hooks.stream().filter(TrainLoop.StopCheckpoint.class::isInstance)
                    .map(TrainLoop.StopCheckpoint.class::cast).findFirst().orElse((c, e, i) -> {});
            List<DataLoader> valLoaders = new ArrayList<>();
            try (GradientOps ops = GradientOps.forEngine(manager)) {
                Validation validation = evals.isEmpty() ? Validation.none()
                        : new Validation(valLoop, valParts(model, evals, manager, valLoaders),
                                experiment.eval().interval(), experiment.eval().initial());
                Hooks hookList = new Hooks(hooks);
                // Every rank starts from rank 0's weights: after restore and pretrained loading.
                ReplicaSync sync = new ReplicaSync(collective, params, ops, experiment.deviceCollective());
                sync.broadcastWeights(manager);
                TrainLoop.Parts parts = TrainLoop.Parts.builder().setServices(services).setTrainable(trainable)
                        .setLoader(loader).setHooks(hookList).setScheduler(scheduler)
                        .setConfig(experiment.optimizerConfig()).optValidation(validation).optSync(sync)
                        .optSeed(experiment.seed()).optStops(StopSignals.process(), stopCheckpoint).build();
                long startIter = (long) start.epoch() * context.itersPerEpoch() + start.epochIter();
                context.setStart(startIter);
                hookList.setUp(services, context);
                TrainLoop.Outcome outcome;
                hookList.beforeRun(context);
                try {
                    outcome = loop.run(parts, context, start);
                } finally {
                    hookList.afterRun(context);
                }
                if (outcome == TrainLoop.Outcome.STOPPED) {
                    TrainLoop.Position at = loop.stoppedAt();
                    long done = (long) at.epoch() * context.itersPerEpoch() + at.epochIter() - startIter;
                    return new TrainResult(workDir, done, context.valMetrics(), true);
                }
                return new TrainResult(workDir, context.maxIters() - startIter, context.valMetrics());
            } finally {
                optimizer.close();
                for (DataLoader l : valLoaders) {
                    l.close();
                }
            }
        }
    }

    /**
     * The checkpoint {@code auto_resume} continues from. Rank 0 looks and tells the others, so that every rank
     * resumes the same one (or fails with the same line) even when their views of a shared file system differ.
     */
    private Optional<AutoResume.Choice> autoResume(Path workDir) throws IOException {
        String decision = "";
        if (collective.isRoot()) {
            try {
                decision = AutoResume.find(workDir, resolved).map(c -> "R" + c.checkpoint()).orElse("N");
            } catch (IllegalArgumentException e) {
                decision = "E" + e.getMessage();
            }
        }
        decision = collective.broadcastString(decision, 0);
        if (decision.startsWith("E")) {
            throw new IllegalArgumentException(decision.substring(1));
        }
        if (decision.equals("N")) {
            runInfo("auto_resume: no checkpoint in {}: starting afresh", workDir);
            return Optional.empty();
        }
        Path checkpoint = Path.of(decision.substring(1));
        CheckpointState state = Checkpoints.readState(checkpoint);
        runInfo("auto_resume: continuing from {} ({}), the newest checkpoint in {}", checkpoint, state.position(),
                workDir);
        return Optional.of(new AutoResume.Choice(checkpoint, state));
    }

    /**
     * A fresh run may not start in a work dir that holds another run's checkpoints: it would overwrite that run's
     * provenance, interleave its metrics and fail only at its first checkpoint (which it may not overwrite).
     * Checked before anything is written; rank 0 looks and tells the others, as for {@code auto_resume}.
     */
    private void requireNoEarlierRun(Path workDir) throws IOException {
        String refusal = collective.isRoot() ? AutoResume.earlierRun(workDir).map(found -> "work dir " + workDir
                + " already holds a run (" + found + "): continue it with --auto-resume or --resume-from CHECKPOINT, "
                + "or train into a new --work-dir").orElse("") : "";
        refusal = collective.broadcastString(refusal, 0);
        if (!refusal.isEmpty()) {
            throw new WorkDirLock.Refused(refusal);
        }
    }

    /** The configured device; in a job with several ranks on GPUs, the GPU of this process's local rank. */
    private Devices.Choice trainingDevice(TorchEngine engine) {
        Devices.Choice choice = Devices.choose(experiment.device(), engine);
        if (collective.size() == 1 || !choice.device().isGpu()) {
            return choice;
        }
        int gpus = engine.gpus();
        if (collective.localRank() >= gpus) {
            throw new IllegalArgumentException("rank " + collective.rank() + " is local rank "
                    + collective.localRank() + " of its machine, which has " + gpus + " GPU(s): start at most one "
                    + "process per GPU (mpirun -np / --npernode, srun --ntasks-per-node)");
        }
        return new Devices.Choice(Device.gpu(collective.localRank()), "rank " + collective.rank() + " is local rank "
                + collective.localRank() + " of its machine: gpu(" + collective.localRank() + ")");
    }

    /**
     * Evaluates the weights of {@code checkpoint} (a checkpoint folder or a safetensors file) on every
     * {@code eval_pipelines} entry; metric names are those of the evaluators plus {@code loss}.
     */
    public Map<String, Double> evaluate(Path checkpoint) throws IOException {
        if (experiment.eval().pipelines().isEmpty()) {
            throw new IllegalArgumentException("the config has no eval_pipelines to evaluate on");
        }
        Engine.getInstance().setRandomSeed(RunSeeds.epoch(experiment.seed(), -1));
        BuildContext ctx = new BuildContext(experiment.workDir(), experiment.seed(), experiment.data().imgsPerGpu(),
                false);
        List<EvalParts> evals = buildEvals(ctx, Optional.empty());
        ValLoop loop = experiment.valLoop().create(ctx);
        try (NDManager manager = NDManager.newBaseManager(Devices.parse(experiment.device()))) {
            TaskModel model = TrainedModels.load(experiment.model(), ctx, checkpoint, manager,
                    experiment.data().imgsPerGpu());
            List<DataLoader> loaders = new ArrayList<>();
            try {
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (ValLoop.Parts set : valParts(model, evals, manager, loaders)) {
                    metrics.putAll(loop.run(set));
                }
                return metrics;
            } finally {
                for (DataLoader l : loaders) {
                    l.close();
                }
            }
        }
    }

    /** @param labelCheck the model whose num_classes the sets' labels are checked against (training runs) */
    private List<EvalParts> buildEvals(BuildContext ctx, Optional<TaskModel> labelCheck) {
        List<EvalParts> evals = new ArrayList<>();
        List<Experiment.EvalPipeline> pipelines = experiment.eval().pipelines();
        for (int i = 0; i < pipelines.size(); i++) {
            Experiment.EvalPipeline p = pipelines.get(i);
            List<Evaluator> evaluators = new ArrayList<>();
            p.evaluators().forEach(e -> evaluators.add(e.create(ctx)));
            Dataset set = p.data().create(ctx);
            String key = "eval_pipelines[" + i + "].data";
            // evaluation only compares predictions with labels: such samples count as wrong, the run goes on;
            // tools/eval prints its result as JSON on standard output, so it leaves logging out
            labelCheck.flatMap(m -> labelsBeyond(m, set)).ifPresent(why -> LOG.warn("{}: {}; those samples can "
                    + "never be predicted right", key, why));
            evals.add(new EvalParts(set, evaluators));
        }
        return evals;
    }

    /**
     * A training label the classifier cannot predict ends the run before it starts, naming the list line; otherwise the
     * loss fails deep in the engine ("Class values must be smaller than num_classes") on the first such batch.
     */
    private static void requireLabelsFit(TaskModel model, String key, Dataset set) {
        labelsBeyond(model, set).ifPresent(why -> {
            throw new IllegalArgumentException(key + ": " + why + ": fix the label, or set model num_classes");
        });
    }

    private static Optional<String> labelsBeyond(TaskModel model, Dataset set) {
        if (model.numClasses().isEmpty()) {
            return Optional.empty();
        }
        int n = model.numClasses().getAsInt();
        return set.labelBeyond(n).map(where -> where + ", but the model has num_classes = " + n + " (labels 0 to "
                + (n - 1) + ")");
    }

    /** The val loop's parts of every eval_pipelines entry; their loaders are added to {@code opened}. */
    private List<ValLoop.Parts> valParts(TaskModel model, List<EvalParts> evals, NDManager manager,
            List<DataLoader> opened) {
        List<ValLoop.Parts> sets = new ArrayList<>();
        Experiment.DataSettings data = experiment.data();
        for (EvalParts e : evals) {
            // Each rank scores its own samples (uneven shards, no padding); the counts are added over the ranks.
            LoaderSettings loading = new LoaderSettings(data.imgsPerGpu(), data.workersPerGpu(), false, false,
                    experiment.seed(), collective.rank(), collective.size(), false);
            DataLoader l = e.dataset().loader(loading);
            opened.add(l);
            // A feature evaluator's bank (kNN) is batched as the set it scores.
            sets.add(ValLoop.Parts.builder().setModel(model).setLoader(l).setEvaluators(e.evaluators())
                    .setManager(manager).optCollective(collective).optBankLoading(loading).build());
        }
        return sets;
    }

    /**
     * A line about the run as a whole (what it resumed, the model's size, the precision): rank 0's alone, so that
     * a job of many ranks says it once. What concerns one rank (its device, its failure) each rank logs itself.
     */
    private void runInfo(String format, Object... args) {
        if (collective.isRoot()) {
            LOG.info(format, args);
        }
    }

    private void runWarn(String format, Object... args) {
        if (collective.isRoot()) {
            LOG.warn(format, args);
        }
    }

    /** Initializes the parameters and lets the model load its pretrained weights. */
    private List<NamedParameter> initialize(TaskModel model, NDManager manager, int batchSize) {
        TrainedModels.initialize(model, manager, batchSize);
        List<NamedParameter> params = model.namedParameters();
        long count = params.stream().filter(p -> p.parameter().requiresGradient())
                .mapToLong(p -> p.parameter().getArray().size()).sum();
        runInfo("model {}: {} parameter arrays, {} trainable values", experiment.model().type(), params.size(), count);
        return params;
    }

    /** Applies resume_from (or auto_resume's choice) or load_from; returns where training starts. */
    private TrainLoop.Position restore(TaskModel model, List<NamedParameter> params, Optimizer optimizer,
            Optional<LossScaler> scaler, List<CheckpointedHook> stateful, NDManager manager, int batchesPerEpoch,
            int globalBatch) throws IOException {
        if (resume.isPresent()) {
            CheckpointState state = Checkpoints.readState(resume.get());
            if (state.epoch() >= experiment.totalEpochs()) {
                throw new IllegalArgumentException(resume.get() + " already completed " + state.epoch()
                        + " epochs; total_epochs = " + experiment.totalEpochs() + " leaves nothing to train");
            }
            if (state.midEpoch()) {
                requireSameBatches(resume.get(), state, batchesPerEpoch, globalBatch);
            }
            WeightLoader.load(resume.get(), params, NameMapping.IDENTITY, LoadPolicy.STRICT, manager);
            Checkpoints.loadOptimizer(resume.get(), optimizer, scaler, state.optimizerSteps(), manager);
            for (CheckpointedHook h : stateful) {
                Path file = resume.get().resolve(h.checkpointFile());
                if (Files.isRegularFile(file)) {
                    Checkpoints.verify(resume.get(), h.checkpointFile());
                    h.restore(SafeTensors.read(file, manager));
                } else {
                    h.restoreAbsent(resume.get());
                }
            }
            runInfo("resumed from {} at {} (iteration {})", resume.get(), state.position(), state.iter());
            resumedSeconds = state.trainSeconds();
            return new TrainLoop.Position(state.epoch(), state.epochIter());
        }
        if (experiment.loadFrom().isPresent()) {
            LoadReport report = WeightLoader.load(experiment.loadFrom().get(), params, model.nameMapping(),
                    LoadPolicy.STRICT, manager);
            runInfo("load_from {}: {}", experiment.loadFrom().get(), report.summary());
        }
        return TrainLoop.Position.START;
    }

    /**
     * A mid-epoch checkpoint continues the same epoch order at the same batch: each iteration must cover the same
     * images, so the global batch ({@code imgs_per_gpu x ranks}) and the batches per epoch must be the checkpoint's.
     * The world size may differ (2 ranks of 32 continue 1 process of 64 and vice versa).
     */
    private void requireSameBatches(Path checkpoint, CheckpointState state, int batchesPerEpoch, int globalBatch) {
        int ranks = collective.size();
        if (state.globalBatch() != globalBatch) {
            String hint = state.globalBatch() % ranks == 0
                    ? "set data.imgs_per_gpu = " + state.globalBatch() / ranks + " for " + ranks + " rank(s)"
                    : "run it on a number of ranks that divides " + state.globalBatch();
            throw new IllegalArgumentException(checkpoint + " was written mid-epoch (" + state.position() + ") with "
                    + state.globalBatch() + " images per iteration (" + state.worldSize() + " rank(s) x "
                    + state.globalBatch() / Math.max(1, state.worldSize()) + "); this run has " + globalBatch + " ("
                    + ranks + " x " + globalBatch / ranks + "): a mid-epoch checkpoint continues only with the same "
                    + "images per iteration; " + hint + ", or resume from an epoch checkpoint");
        }
        if (state.epochBatches() != batchesPerEpoch) {
            throw new IllegalArgumentException(checkpoint + " was written mid-epoch (" + state.position() + ") by a run "
                    + "with " + state.epochBatches() + " batches per epoch; this run has " + batchesPerEpoch
                    + " (another training set or drop_last): resume from an epoch checkpoint");
        }
    }

    /** Writes {@code config.resolved.conf} and {@code provenance.json} into the work dir; returns the latter. */
    String writeRunRecords(Path workDir, Provenance provenance) throws IOException {
        Files.createDirectories(workDir);
        AtomicFiles.write(workDir.resolve(RESOLVED_CONFIG),
                resolvedText.getBytes(StandardCharsets.UTF_8));
        provenance.write(workDir.resolve(PROVENANCE));
        return provenance.toJson();
    }
}
