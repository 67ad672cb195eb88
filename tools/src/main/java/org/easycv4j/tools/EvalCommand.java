package org.easycv4j.tools;

import com.google.gson.GsonBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.runner.Runner;
import org.easycv4j.core.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tools/eval CONFIG CKPT [--out FILE] [--set key=value]...}: metrics of a checkpoint as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on the config's eval_pipelines: top-1/top-5 for classifiers, "
                + "reconstruction loss for MAE. Prints JSON.")
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    ExperimentArgs experiment;

    @Parameters(index = "1", paramLabel = "CKPT", description = "checkpoint folder or model .safetensors")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the JSON to this file")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ExperimentLoader.Loaded loaded = experiment.load(List.of());
        Map<String, Double> metrics = new Runner(loaded.experiment(), loaded.config(), experiment.commandLine("eval"),
                experiment.config).evaluate(checkpoint);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("config", experiment.config.toString());
        result.put("checkpoint", checkpoint.toString());
        result.put("metrics", metrics);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(result);
        spec.commandLine().getOut().println(json);
        spec.commandLine().getOut().flush();
        if (out != null) {
            AtomicFiles.write(out, json.getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }
}
