package org.easycv4j.tools.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.checkpoint.TrainedModels;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.engine.TorchScriptArchive;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.ModelExport;
import org.easycv4j.core.model.ScriptModule;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.Experiment;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.runner.Provenance;
import org.easycv4j.core.util.AtomicFiles;

/**
 * Writes an export folder from a config and a checkpoint:
 * <pre>
 * OUT/model.safetensors  the exported parameters by timm-style name
 * OUT/config.conf        task, model settings, preprocessing pipeline, class names
 * OUT/export.json        the same facts for other tools, plus the source checkpoint and provenance
 * OUT/model.pt           with TorchScript: the model's {@link ScriptModule} with the weights
 * </pre>
 * The preprocessing is the validation pipeline ({@code data.val}, else the first of {@code eval_pipelines}).
 */
public final class Exporter {
    public static final String WEIGHTS = "model.safetensors";
    public static final String TORCHSCRIPT = "model.pt";
    public static final String CONFIG = "config.conf";
    public static final String INFO = "export.json";
    public static final String FORMAT = "easycv4j-export-1";

    private Exporter() {}

    /** Exports; returns the task written ({@link ModelExport#CLASSIFICATION} or {@link ModelExport#BACKBONE}). */
    public static String export(ExperimentLoader.Loaded loaded, Path checkpoint, Path out, List<String> commandLine,
            boolean torchScript) throws IOException {
        Experiment e = loaded.experiment();
        BuildContext ctx = new BuildContext(out, e.seed(), e.data().imgsPerGpu(), false);
        Config config = loaded.config();
        Spec<Dataset> testSpec = e.data().val()
                .or(() -> e.eval().pipelines().stream().findFirst().map(Experiment.EvalPipeline::data))
                .orElse(null);
        try (NDManager manager = NDManager.newBaseManager()) {
            TaskModel model = TrainedModels.load(e.model(), ctx, checkpoint, manager, 1);
            ModelExport export = model.export();
            ScriptModule script = null;
            if (torchScript) {
                script = model.scriptModule().orElseThrow(() -> new IllegalArgumentException("model type "
                        + e.model().type() + " cannot be written as TorchScript; export without --format torchscript"));
            }
            ConfigValue pipeline = null;
            List<String> classes = List.of();
            if (export.task() == ModelExport.Task.CLASSIFICATION) {
                if (testSpec == null) {
                    throw new IllegalArgumentException("a classifier export needs a test pipeline: set data.val (or "
                            + "eval_pipelines) in " + checkpoint);
                }
                pipeline = valueAt(config, testSpec.path() + ".pipeline");
                classes = testSpec.create(ctx).classNames();
            }
            Files.createDirectories(out);
            Map<String, NDArray> tensors = new LinkedHashMap<>(Checkpoints.modelTensors(export.parameters()));
            addBatchNormCounters(tensors, trainingBatches(checkpoint), manager);
            SafeTensors.write(out.resolve(WEIGHTS), tensors, Map.of("format", FORMAT, "task", export.task().id()));
            long[] inputShape = model.inputShapes(1)[0].getShape();
            AtomicFiles.write(out.resolve(CONFIG),
                    renderConfig(export.task().id(), config.getObject("model"), pipeline, classes, inputShape)
                            .getBytes(StandardCharsets.UTF_8));
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("format", FORMAT);
            info.put("task", export.task().id());
            info.put("model_type", e.model().type());
            info.put("input_shape", inputShape);
            info.put("class_names", classes);
            info.put("parameters", export.parameters().size());
            if (script != null) {
                TorchScriptArchive.write(out.resolve(TORCHSCRIPT), script);
                info.put("torchscript", Map.of("file", TORCHSCRIPT, "forward", script.description()));
            }
            info.put("checkpoint", checkpoint.toAbsolutePath().normalize().toString());
            info.put("provenance", Provenance.collect(e.seed(), commandLine, "").toJsonTree());
            AtomicFiles.write(out.resolve(INFO), new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
                    .create().toJson(info).getBytes(StandardCharsets.UTF_8));
            return export.task().id();
        }
    }

    /**
     * Adds PyTorch's {@code num_batches_tracked} (int64 scalar) next to every BatchNorm's {@code running_mean}:
     * the weights are meant for {@code load_state_dict(strict=True)}, which wants that buffer. Our BatchNorms do not
     * keep it (it only matters with {@code momentum=None}); our loaders ignore it.
     */
    static void addBatchNormCounters(Map<String, NDArray> tensors, long batches, NDManager manager) {
        for (String name : List.copyOf(tensors.keySet())) {
            if (name.endsWith(".running_mean")) {
                String prefix = name.substring(0, name.length() - "running_mean".length());
                tensors.put(prefix + WeightLoader.BATCH_NORM_COUNTER, manager.create(batches));
            }
        }
    }

    /**
     * What PyTorch's counter would hold: the training iterations of a checkpoint folder (one training-mode batch
     * each); 0 when the weights come from a single file, which does not say.
     */
    static long trainingBatches(Path checkpoint) throws IOException {
        return Files.isRegularFile(checkpoint.resolve(Checkpoints.STATE)) ? Checkpoints.readState(checkpoint).iter() : 0;
    }

    /** The value at a component path such as {@code eval_pipelines[0].data.pipeline}. */
    static ConfigValue valueAt(Config config, String path) {
        ConfigValue v = config.root();
        for (String part : path.split("\\.")) {
            String key = part;
            int index = -1;
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                key = part.substring(0, bracket);
                index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
            }
            v = ((ConfigObject) v).get(key);
            if (index >= 0) {
                v = ((ConfigList) v).get(index);
            }
        }
        return v;
    }

    private static String renderConfig(String task, ConfigObject model, ConfigValue pipeline, List<String> classes,
            long[] inputShape) {
        // The weights are in the export: a pretrained path would point at a file the export does not carry.
        ConfigObject m = model.withoutKey("pretrained");
        List<Long> shape = new ArrayList<>();
        for (long d : inputShape) {
            shape.add(d);
        }
        Config c = ConfigFactory.empty()
                .withValue("format", ConfigValueFactory.fromAnyRef(FORMAT))
                .withValue("task", ConfigValueFactory.fromAnyRef(task))
                .withValue("model", m)
                .withValue("class_names", ConfigValueFactory.fromIterable(classes))
                .withValue("input_shape", ConfigValueFactory.fromIterable(shape));
        if (pipeline instanceof ConfigList) {
            c = c.withValue("preprocess", pipeline);
        }
        return "# EasyCV4J export: read by tools/predict and ExportedModel.criteria().\n"
                + ConfigLoader.redact(c).root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                        .setJson(false));
    }
}
