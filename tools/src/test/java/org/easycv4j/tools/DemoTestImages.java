package org.easycv4j.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The demo's 1,000 Fashion-MNIST test images as PNG files, classified by an export through tools/predict. */
final class DemoTestImages {
    private DemoTestImages() {}

    /** What tools/predict said of each image (its JSON, in list order) and each image's true label. */
    record Predictions(Path images, JsonArray results, List<Integer> labels) {}

    /** Writes the test images under {@code dir/png} and runs {@code predict --format json --topk 1} on them all. */
    static Predictions predict(Path export, Path dir) throws IOException {
        Path images = dir.resolve("png");
        CliRun.out("prepare-data", "export-images", "--idx", Path.of("..", "demo", "fashion-mnist").toString(),
                "--out", images.toString(), "--layout", "list");
        List<String> args = new ArrayList<>(List.of("predict", export.toString(), "--format", "json", "--topk", "1"));
        List<Integer> labels = new ArrayList<>();
        for (String line : Files.readAllLines(images.resolve("test.txt"))) {
            String[] parts = line.split(" ");
            args.add(images.resolve(parts[0]).toString());
            labels.add(Integer.parseInt(parts[1]));
        }
        JsonArray results = JsonParser.parseString(CliRun.out(args.toArray(String[]::new))).getAsJsonArray();
        return new Predictions(images, results, labels);
    }
}
