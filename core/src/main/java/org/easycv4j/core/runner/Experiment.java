package org.easycv4j.core.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.dist.DeviceCollective;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.model.MixedPrecision;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.optim.ParamSchedule;
import org.easycv4j.core.optim.schedule.LrPolicyNames;
import org.easycv4j.core.optim.LossScaleSettings;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;

/**
 * A whole experiment configuration, parsed and checked but not built: EasyCV's top-level keys
 * ({@code model}, {@code data}, {@code optimizer}, {@code optimizer_config}, {@code lr_config},
 * {@code total_epochs}, {@code checkpoint_config}, {@code log_config}, {@code eval_config},
 * {@code eval_pipelines}, {@code custom_hooks}, ...) as typed records and component specs; plus mmengine's
 * {@code default_hooks}, the runner's own hooks (checkpoints, progress), built from the registry like the others.
 */
public record Experiment(
        long seed,
        Path workDir,
        String device,
        List<String> modules,
        ProgressHook.Setting progress,
        int totalEpochs,
        Spec<TaskModel> model,
        DataSettings data,
        Spec<Optimizer> optimizer,
        OptimizerConfig optimizerConfig,
        Spec<LrSchedule> lrSchedule,
        List<Spec<ParamSchedule>> paramSchedules,
        LogConfig log,
        CheckpointConfig checkpoint,
        EvalConfig eval,
        List<Spec<Hook>> customHooks,
        List<Spec<Hook>> defaultHooks,
        Spec<TrainLoop> trainLoop,
        Spec<ValLoop> valLoop,
        Optional<Path> loadFrom,
        Optional<Path> resumeFrom,
        boolean autoResume,
        Optional<LossScaleSettings> amp,
        MixedPrecision precision,
        DeviceCollective deviceCollective) {

    /**
     * {@code data}: per-device batch size and workers (EasyCV's names), and the train / val datasets.
     */
    public record DataSettings(int imgsPerGpu, int workersPerGpu, boolean dropLast, boolean repeatedAugment,
            Spec<Dataset> train, Optional<Spec<Dataset>> val) {
        /** Reads {@code data}; its problems go to {@code d.problems()}. */
        public static DataSettings parse(ConfigNode d, Components components) {
            int imgs = d.integerAtLeast("imgs_per_gpu", 32, 1);
            int workers = d.integerAtLeast("workers_per_gpu", 2, 0);
            boolean dropLast = d.bool("drop_last", false);
            boolean repeatedAugment = d.bool("use_repeated_augment_sampler");
            Spec<Dataset> train = components.parseRequired(d, "train", Dataset.KIND).orElse(null);
            Optional<Spec<Dataset>> val = components.parseChild(d, "val", Dataset.KIND);
            d.finish();
            return new DataSettings(imgs, workers, dropLast, repeatedAugment, train, val);
        }
    }

    /** {@code optimizer_config}: accumulation, global-norm clipping and the non-finite gradient policy. */
    public record OptimizerConfig(int updateInterval, double gradClipMaxNorm, int maxNonFiniteSteps) {
        /** True when gradients are clipped. */
        public boolean clips() {
            return gradClipMaxNorm > 0;
        }
    }

    /** {@code log_config}: iterations between log lines and the logger hooks. */
    public record LogConfig(int interval, List<Spec<Hook>> hooks) {}

    /** {@code checkpoint_config}: save every {@code interval} epochs, keep the last {@code maxKeep} (-1: all). */
    public record CheckpointConfig(int interval, int maxKeep) {}

    /**
     * {@code eval_config} + {@code eval_pipelines}; {@code saveBest} names the metric whose best value is kept
     * as a checkpoint ({@code save_best = top1}).
     */
    public record EvalConfig(int interval, boolean initial, Optional<String> saveBest, List<EvalPipeline> pipelines) {}

    /**
     * One evaluation: a dataset and the evaluators that score the model's outputs on it. {@code mode} is EasyCV's
     * (test: score predictions; extract: features), checked and kept for configs ported from it.
     */
    public record EvalPipeline(EvalMode mode, Spec<Dataset> data, List<Spec<Evaluator>> evaluators) {}

    /** {@code eval_pipelines[].mode}. */
    public enum EvalMode { TEST, EXTRACT }

    /**
     * Parses the whole configuration, recording every problem in {@code root.problems()} (the caller throws
     * them together). Returns null components where a part is broken. The run's defaults come from core's
     * {@code reference.conf}, layered under every config, so keys set there are read as required here.
     */
    public static Experiment parse(ConfigNode root, Components components) {
        long seed = root.longValue("seed");
        String workDirName = root.string("work_dir");
        // Path.of("") is the current folder: an empty --work-dir would write the run there.
        root.check(!workDirName.isBlank(), "work_dir", "expected a folder, got an empty string");
        Path workDir = Path.of(workDirName);
        String device = root.string("device");
        if (root.has("devices")) {
            // The sequential in-process replicas are gone: several devices means several processes.
            root.accept("devices");
            root.problem("devices", "several devices are trained with one process each: mpirun -np N tools/train "
                    + "CONFIG --launcher mpi (docs/distributed.md); set device instead");
        }
        List<String> modules = root.strings("modules");
        ProgressHook.Setting progress = root.choice("progress", ProgressHook.Setting.class);
        int totalEpochs = root.integerAtLeast("total_epochs", 1, 1);
        if (!root.has("total_epochs")) {
            root.problem("total_epochs", "missing required key, expected the number of training epochs");
        }

        Spec<TaskModel> model = components.parseRequired(root, "model", TaskModel.KIND).orElse(null);

        DataSettings data = DataSettings.parse(root.object("data"), components);

        Spec<Optimizer> optimizer = components.parseRequired(root, "optimizer", Optimizer.KIND).orElse(null);

        ConfigNode oc = root.object("optimizer_config");
        int updateInterval = oc.integerAtLeast("update_interval", 1);
        double maxNorm = 0;
        Optional<ConfigNode> clip = oc.optObject("grad_clip");
        if (clip.isPresent()) {
            maxNorm = clip.get().number("max_norm");
            clip.get().check(maxNorm > 0, "max_norm", "expected max_norm > 0, got " + maxNorm);
            double normType = clip.get().number("norm_type", 2.0);
            clip.get().check(normType == 2.0, "norm_type", "only the L2 norm (2) is supported, got " + normType);
            clip.get().finish();
        }
        int maxNonFinite = oc.integerAtLeast("max_nonfinite_steps", 1);
        oc.finish();
        OptimizerConfig optimizerConfig = new OptimizerConfig(updateInterval, maxNorm, maxNonFinite);

        Spec<LrSchedule> lr = root.optObject("lr_config")
                .flatMap(n -> components.parse(n, LrSchedule.KIND, "policy", LrPolicyNames::mmcv))
                .orElse(null);

        // mmengine's param_scheduler, for what lr_config does not schedule: weight decay
        List<Spec<ParamSchedule>> paramSchedules = components.parseList(root, "param_scheduler", ParamSchedule.KIND);

        ConfigNode lc = root.object("log_config");
        int logInterval = lc.integerAtLeast("interval", 1);
        List<Spec<Hook>> logHooks = components.parseList(lc, "hooks", Hook.KIND);
        lc.finish();

        ConfigNode cc = root.object("checkpoint_config");
        int ckptInterval = cc.integerAtLeast("interval", 1);
        int maxKeep = cc.integer("max_keep_ckpts");
        cc.check(maxKeep == -1 || maxKeep >= 1, "max_keep_ckpts", "expected -1 (keep all) or >= 1");
        cc.finish();
        CheckpointConfig ckpt = new CheckpointConfig(ckptInterval, maxKeep);

        ConfigNode ec = root.object("eval_config");
        int evalInterval = ec.integerAtLeast("interval", 1);
        boolean evalInitial = ec.bool("initial");
        // Unset, null or "none": no best checkpoint is tracked.
        Optional<String> saveBest = Optional.ofNullable(ec.string("save_best", null)).filter(b -> !b.equals("none"));
        ec.accept("gpu_collect"); // EasyCV's multi-process option; one process gathers nothing here.
        ec.finish();
        List<EvalPipeline> pipelines = new ArrayList<>();
        for (ConfigNode p : root.objects("eval_pipelines")) {
            EvalMode mode = p.choice("mode", EvalMode.TEST);
            Spec<Dataset> ds = components.parseRequired(p, "data", Dataset.KIND).orElse(null);
            List<Spec<Evaluator>> evaluators = components.parseList(p, "evaluators", Evaluator.KIND);
            p.check(!evaluators.isEmpty() || !p.has("evaluators"), "evaluators", "expected at least one evaluator");
            p.accept("dist_eval");
            p.finish();
            if (ds != null) {
                pipelines.add(new EvalPipeline(mode, ds, evaluators));
            }
        }

        if (saveBest.isPresent() && pipelines.isEmpty()) {
            ec.problem("save_best", "save_best needs eval_pipelines to produce metrics");
        }
        List<Spec<Hook>> custom = components.parseList(root, "custom_hooks", Hook.KIND);
        // mmengine's default_hooks: named entries, each replaceable by another type or switched off with null.
        ConfigNode dh = root.object("default_hooks");
        List<Spec<Hook>> defaultHooks = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(dh.config().root().keySet())) {
            if (!dh.has(name)) {
                dh.accept(name);
                continue;
            }
            components.parseRequired(dh, name, Hook.KIND).ifPresent(defaultHooks::add);
        }
        dh.finish();
        Spec<TrainLoop> trainLoop = components.parseRequired(root, "train_loop", TrainLoop.KIND).orElse(null);
        Spec<ValLoop> valLoop = components.parseRequired(root, "val_loop", ValLoop.KIND).orElse(null);
        Optional<Path> loadFrom = root.path("load_from");
        Optional<Path> resumeFrom = root.path("resume_from");
        if (loadFrom.isPresent() && resumeFrom.isPresent()) {
            root.problem("resume_from", "set load_from (weights only) or resume_from (the whole state), not both");
        }
        boolean autoResume = root.bool("auto_resume");
        if (autoResume && resumeFrom.isPresent()) {
            root.problem("auto_resume", "set resume_from (that checkpoint) or auto_resume (the newest in work_dir), "
                    + "not both");
        }
        MixedPrecision precision = root.has("fp16") ? MixedPrecision.FP16 : root.choice("amp", MixedPrecision.NONE);
        Optional<LossScaleSettings> amp = parseAmp(root, precision);
        // EasyCV's dist_params = dict(backend='nccl'): how GPU tensors are averaged across ranks
        DeviceCollective deviceCollective = root.object("dist_params").choice("backend", DeviceCollective.class);
        // Helper values that other keys substitute (EasyCV's img_norm_cfg, train_pipeline, ...) live under vars.
        root.accept("vars");
        root.finish();
        return new Experiment(seed, workDir, device, modules, progress, totalEpochs, model, data, optimizer,
                optimizerConfig, lr, paramSchedules, new LogConfig(logInterval, logHooks), ckpt,
                new EvalConfig(evalInterval, evalInitial, saveBest, pipelines), custom, defaultHooks, trainLoop,
                valLoop, loadFrom, resumeFrom, autoResume, amp, precision, deviceCollective);
    }

    /**
     * Loss scaling for {@code amp = fp16}, with optional {@code amp_config} (dynamic loss scaling), or EasyCV's
     * {@code fp16 = {loss_scale = dynamic}} / {@code {loss_scale = 512.0}} (a fixed initial scale that still
     * backs off on overflow but never grows). Empty for float32 and for {@code amp = bf16}, which needs none.
     */
    private static Optional<LossScaleSettings> parseAmp(ConfigNode root, MixedPrecision precision) {
        Optional<ConfigNode> easycv = root.optObject("fp16");
        Optional<ConfigNode> ac = root.optObject("amp_config");
        if (easycv.isPresent()) {
            ConfigNode f = easycv.get();
            if (ac.isPresent() || root.has("amp") && root.choice("amp", MixedPrecision.NONE) != MixedPrecision.FP16) {
                root.problem("fp16", "set either EasyCV's fp16 object or amp / amp_config, not both");
            }
            LossScaleSettings s = LossScaleSettings.DEFAULT;
            if (f.isString("loss_scale")) {
                f.choice("loss_scale", "dynamic", List.of("dynamic"));
            } else if (f.has("loss_scale")) {
                double scale = f.number("loss_scale");
                f.check(scale > 0, "loss_scale", "expected \"dynamic\" or a number > 0, got " + scale);
                s = new LossScaleSettings(scale, 2.0, 0.5, Integer.MAX_VALUE);
            }
            f.finish();
            return Optional.of(s);
        }
        if (!precision.scalesLoss()) {
            ac.ifPresent(n -> root.problem("amp_config", "amp_config (loss scaling) needs amp = fp16"
                    + (precision == MixedPrecision.BF16 ? "; bf16 trains without loss scaling" : "")));
            return Optional.empty();
        }
        return Optional.of(ac.map(LossScaleSettings::fromConfig).orElse(LossScaleSettings.DEFAULT));
    }
}
