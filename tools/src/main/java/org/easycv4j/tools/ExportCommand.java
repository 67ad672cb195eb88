package org.easycv4j.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.tools.export.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tools/export CONFIG CKPT OUT}: a self-contained folder for tools/predict and DJL. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a checkpoint as a folder of weights (safetensors, timm names), model config, "
                + "preprocessing and class names, with --format torchscript also model.pt. For MAE the encoder "
                + "is exported as a backbone.")
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    ExperimentArgs experiment;

    @Parameters(index = "1", paramLabel = "CKPT",
            description = "checkpoint folder, model .safetensors, or a PyTorch .pth / Hugging Face safetensors file")
    Path checkpoint;

    @Parameters(index = "2", paramLabel = "OUT", description = "export folder to write")
    Path out;

    /** What the folder holds besides the safetensors weights. */
    enum Format { safetensors, torchscript }

    @Option(names = "--format", defaultValue = "safetensors",
            description = "safetensors (default), or torchscript: also model.pt, a TorchScript module (classifier: "
                    + "normalized images to logits; MAE: the encoder as a feature extractor) for torch.jit.load, "
                    + "DJL, TorchServe")
    Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ExperimentLoader.Loaded loaded = experiment.load(List.of());
        String task = Exporter.export(loaded, checkpoint, out, experiment.commandLine("export"),
                format == Format.torchscript);
        spec.commandLine().getOut().println("exported " + task + " to " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
