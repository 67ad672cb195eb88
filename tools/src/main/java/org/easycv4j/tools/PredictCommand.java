package org.easycv4j.tools;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.ZooModel;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easycv4j.tools.export.ExportedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tools/predict EXPORT_DIR IMAGE... [--topk K] [--format json|table]}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify images with an export folder: top-k classes with probabilities.")
public final class PredictCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "EXPORT_DIR", description = "folder written by tools/export")
    Path export;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "image files (JPEG, PNG, BMP)")
    List<Path> images;

    @Option(names = "--topk", defaultValue = "5", description = "classes per image (default: ${DEFAULT-VALUE})")
    int topk;

    /** Output formats; lower case as typed on the command line (picocli matches constants by name). */
    enum Format { table, json }

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--batch-size", defaultValue = "32", description = "images per forward pass")
    int batchSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Checked before the export is loaded; a batch size of 0 would never advance through the images.
        OptionChecks.atLeast(spec, "--topk", topk, 1);
        OptionChecks.atLeast(spec, "--batch-size", batchSize, 1);
        ExportedModel exported = ExportedModel.load(export);
        List<Map<String, Object>> results = new ArrayList<>();
        try (ZooModel<Path, Classifications> model = exported.criteria().loadModel();
                Predictor<Path, Classifications> predictor = model.newPredictor()) {
            for (int from = 0; from < images.size(); from += batchSize) {
                List<Path> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
                List<Classifications> out = predictor.batchPredict(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    List<Map<String, Object>> top = new ArrayList<>();
                    for (Classifications.Classification c : out.get(i).topK(topk)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("class", c.getClassName());
                        m.put("probability", c.getProbability());
                        top.add(m);
                    }
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("image", chunk.get(i).toString());
                    r.put("topk", top);
                    results.add(r);
                }
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (format == Format.json) {
            w.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(results));
        } else {
            for (Map<String, Object> r : results) {
                w.println(r.get("image"));
                for (Object o : (List<?>) r.get("topk")) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    w.printf(Locale.ROOT, "  %-24s %.4f%n", m.get("class"), (Double) m.get("probability"));
                }
            }
        }
        w.flush();
        return 0;
    }
}
