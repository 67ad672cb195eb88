package org.easycv4j.core.runner;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.model.MixedPrecision;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.optim.LossScaleSettings;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.Spec;

/**
 * A whole experiment configuration, parsed and checked but not built: EasyCV's top-level keys
 * ({@code model}, {@code data}, {@code optimizer}, {@code optimizer_config}, {@code lr_config},
 * {@code total_epochs}, {@code checkpoint_config}, {@code log_config}, {@code eval_config},
 * {@code eval_pipelines}, {@code custom_hooks}, ...) as typed records and component specs.
 */
public record Experiment(
        long seed,
        Path workDir,
        String device,
        List<String> devices,
        List<String> modules,
        String progress,
        int totalEpochs,
        Spec<TaskModel> model,
        DataSettings data,
        Spec<Optimizer> optimizer,
        OptimizerConfig optimizerConfig,
        Spec<LrSchedule> lrSchedule,
        LogConfig log,
        CheckpointConfig checkpoint,
        EvalConfig eval,
        List<Spec<Hook>> customHooks,
        Optional<Path> loadFrom,
        Optional<Path> resumeFrom,
        Optional<LossScaleSettings> amp,
        MixedPrecision precision) {

    /** The training devices: {@code devices} when set (data parallel over several), else {@code device}. */
    public List<String> trainingDevices() {
        return devices.isEmpty() ? List.of(device) : devices;
    }

    /**
     * {@code data}: per-device batch size and workers (EasyCV's names), and the train / val datasets.
     */
    public record DataSettings(int imgsPerGpu, int workersPerGpu, boolean dropLast, Spec<Dataset> train,
            Optional<Spec<Dataset>> val) {}

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

    /** One evaluation: a dataset and the evaluators that score the model's outputs on it. */
    public record EvalPipeline(String mode, Spec<Dataset> data, List<Spec<Evaluator>> evaluators) {}

    /**
     * Parses the whole configuration, recording every problem in {@code root.problems()} (the caller throws
     * them together). Returns null components where a part is broken.
     */
    public static Experiment parse(ConfigNode root, Components components) {
        long seed = root.longValue("seed", 0);
        Path workDir = root.path("work_dir").orElse(Path.of("work_dirs", "default"));
        String device = root.string("device", "auto");
        // Several devices: in-process data parallelism; imgs_per_gpu stays per device.
        List<String> devices = root.stringOrList("devices", List.of());
        List<String> modules = root.strings("modules", List.of());
        String progress = root.choice("progress", "auto", List.of("auto", "bar", "log", "off"));
        int totalEpochs = root.integerAtLeast("total_epochs", 1, 1);
        if (!root.has("total_epochs")) {
            root.problem("total_epochs", "missing required key, expected the number of training epochs");
        }

        Spec<TaskModel> model = components.parseRequired(root, "model", CoreKinds.MODEL).orElse(null);

        ConfigNode d = root.object("data");
        int imgs = d.integerAtLeast("imgs_per_gpu", 32, 1);
        int workers = d.integerAtLeast("workers_per_gpu", 2, 0);
        boolean dropLast = d.bool("drop_last", false);
        Spec<Dataset> train = components.parseRequired(d, "train", CoreKinds.DATASET).orElse(null);
        Optional<Spec<Dataset>> val = components.parseChild(d, "val", CoreKinds.DATASET);
        d.finish();
        DataSettings data = new DataSettings(imgs, workers, dropLast, train, val);

        Spec<Optimizer> optimizer = components.parseRequired(root, "optimizer", CoreKinds.OPTIMIZER).orElse(null);

        ConfigNode oc = root.optObject("optimizer_config").orElse(null);
        OptimizerConfig optimizerConfig = new OptimizerConfig(1, 0, 5);
        if (oc != null) {
            int interval = oc.integerAtLeast("update_interval", 1, 1);
            double maxNorm = 0;
            Optional<ConfigNode> clip = oc.optObject("grad_clip");
            if (clip.isPresent()) {
                maxNorm = clip.get().number("max_norm");
                clip.get().check(maxNorm > 0, "max_norm", "expected max_norm > 0, got " + maxNorm);
                double normType = clip.get().number("norm_type", 2.0);
                clip.get().check(normType == 2.0, "norm_type", "only the L2 norm (2) is supported, got " + normType);
                clip.get().finish();
            }
            int maxNonFinite = oc.integerAtLeast("max_nonfinite_steps", 5, 1);
            oc.finish();
            optimizerConfig = new OptimizerConfig(interval, maxNorm, maxNonFinite);
        }

        Spec<LrSchedule> lr = root.optObject("lr_config")
                .flatMap(n -> components.parse(n, CoreKinds.LR_SCHEDULE, "policy"))
                .orElse(null);

        ConfigNode lc = root.object("log_config");
        int logInterval = lc.integerAtLeast("interval", 10, 1);
        List<Spec<Hook>> logHooks = components.parseList(lc, "hooks", CoreKinds.HOOK);
        lc.finish();

        CheckpointConfig ckpt = new CheckpointConfig(1, -1);
        Optional<ConfigNode> cc = root.optObject("checkpoint_config");
        if (cc.isPresent()) {
            int interval = cc.get().integerAtLeast("interval", 1, 1);
            int maxKeep = cc.get().integer("max_keep_ckpts", -1);
            cc.get().check(maxKeep == -1 || maxKeep >= 1, "max_keep_ckpts", "expected -1 (keep all) or >= 1");
            cc.get().finish();
            ckpt = new CheckpointConfig(interval, maxKeep);
        }

        int evalInterval = 1;
        boolean evalInitial = false;
        Optional<String> saveBest = Optional.empty();
        Optional<ConfigNode> ec = root.optObject("eval_config");
        if (ec.isPresent()) {
            evalInterval = ec.get().integerAtLeast("interval", 1, 1);
            evalInitial = ec.get().bool("initial", false);
            String best = ec.get().string("save_best", "none");
            saveBest = best.equals("none") ? Optional.empty() : Optional.of(best);
            ec.get().accept("gpu_collect"); // EasyCV's multi-process option; one process gathers nothing here.
            ec.get().finish();
        }
        List<EvalPipeline> pipelines = new java.util.ArrayList<>();
        for (ConfigNode p : root.objects("eval_pipelines")) {
            String mode = p.choice("mode", "test", List.of("test", "extract"));
            Spec<Dataset> ds = components.parseRequired(p, "data", CoreKinds.DATASET).orElse(null);
            List<Spec<Evaluator>> evaluators = components.parseList(p, "evaluators", CoreKinds.EVALUATOR);
            p.check(!evaluators.isEmpty() || !p.has("evaluators"), "evaluators", "expected at least one evaluator");
            p.accept("dist_eval");
            p.finish();
            if (ds != null) {
                pipelines.add(new EvalPipeline(mode, ds, evaluators));
            }
        }

        if (saveBest.isPresent() && pipelines.isEmpty()) {
            ec.get().problem("save_best", "save_best needs eval_pipelines to produce metrics");
        }
        List<Spec<Hook>> custom = components.parseList(root, "custom_hooks", CoreKinds.HOOK);
        Optional<Path> loadFrom = root.path("load_from");
        Optional<Path> resumeFrom = root.path("resume_from");
        if (loadFrom.isPresent() && resumeFrom.isPresent()) {
            root.problem("resume_from", "set load_from (weights only) or resume_from (the whole state), not both");
        }
        MixedPrecision precision = root.has("fp16") ? MixedPrecision.FP16
                : MixedPrecision.of(root.choice("amp", "none", MixedPrecision.configNames()));
        Optional<LossScaleSettings> amp = parseAmp(root, precision);
        // Helper values that other keys substitute (EasyCV's img_norm_cfg, train_pipeline, ...) live under vars.
        root.accept("vars");
        root.finish();
        return new Experiment(seed, workDir, device, devices, modules, progress, totalEpochs, model, data, optimizer,
                optimizerConfig, lr, new LogConfig(logInterval, logHooks), ckpt,
                new EvalConfig(evalInterval, evalInitial, saveBest, pipelines), custom, loadFrom, resumeFrom, amp,
                precision);
    }

    /**
     * Loss scaling for {@code amp = fp16}, with optional {@code amp_config} (dynamic loss scaling), or EasyCV's
     * {@code fp16 = {loss_scale = dynamic}} / {@code {loss_scale = 512.0}} (a fixed initial scale that still
     * backs off on overflow but never grows). Empty for float32 and for {@code amp = bf16}, which needs none.
     */
    private static Optional<LossScaleSettings> parseAmp(ConfigNode root, MixedPrecision precision) {
        String amp = root.has("amp") ? root.string("amp", "none") : "none";
        Optional<ConfigNode> easycv = root.optObject("fp16");
        Optional<ConfigNode> ac = root.optObject("amp_config");
        if (easycv.isPresent()) {
            ConfigNode f = easycv.get();
            if (ac.isPresent() || root.has("amp") && !amp.equals("fp16")) {
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
