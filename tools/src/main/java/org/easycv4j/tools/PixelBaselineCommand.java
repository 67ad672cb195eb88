package org.easycv4j.tools;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easycv4j.core.util.AtomicFiles;
import org.easycv4j.data.source.Idx;
import org.easycv4j.tools.baseline.LogisticRegression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tools/pixel-baseline [--root DIR] [--train-count N] [--l2 L] [--eval-start S --eval-count M]
 * [--out FILE]}: multinomial logistic regression on raw pixels (scaled to [0, 1]) of the first N training images
 * of an IDX data set (Fashion-MNIST), fitted with L-BFGS, evaluated on its test images, or with
 * {@code --eval-start} on training images [S, S + M), the validation split the experiment scripts choose
 * hyperparameters on: the plain baseline of the low-label results.
 */
@Command(name = "pixel-baseline", mixinStandardHelpOptions = true,
        description = "Logistic regression on raw pixels (L-BFGS, L2) of an IDX data set's first N training images;"
                + " prints top-1 on its test images as JSON.")
public final class PixelBaselineCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "demo/fashion-mnist",
            description = "folder with train-/t10k-images-idx3-ubyte[.gz] and labels (default: ${DEFAULT-VALUE})")
    Path root;

    @Option(names = "--train-count", paramLabel = "N", defaultValue = "1000",
            description = "labelled training images used, from the first (default: ${DEFAULT-VALUE})")
    int trainCount;

    @Option(names = "--l2", paramLabel = "L", defaultValue = "1e-3",
            description = "L2 weight of (l2 / 2)|W|^2 added to the mean cross-entropy; scikit-learn's C = 1 on "
                    + "1,000 images is 1e-3 (default: ${DEFAULT-VALUE})")
    double l2;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "1000",
            description = "L-BFGS iterations at most (default: ${DEFAULT-VALUE})")
    int maxIter;

    @Option(names = "--eval-start", paramLabel = "S",
            description = "evaluate on training images from index S (a validation split; it must not overlap the "
                    + "--train-count first ones) instead of the test images")
    Integer evalStart;

    @Option(names = "--eval-count", paramLabel = "M", defaultValue = "10000",
            description = "with --eval-start: how many training images are evaluated (default: ${DEFAULT-VALUE})")
    int evalCount;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the JSON to this file")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (trainCount < 1 || l2 < 0 || maxIter < 1) {
            spec.commandLine().getErr().println("error: expected --train-count >= 1, --l2 >= 0, --max-iter >= 1");
            return Main.USER_ERROR;
        }
        if (evalStart != null && (evalStart < trainCount || evalCount < 1)) {
            spec.commandLine().getErr().println("error: --eval-start: expected a validation split after the "
                    + trainCount + " training images (--eval-start >= --train-count, --eval-count >= 1), got "
                    + "--eval-start " + evalStart + " --eval-count " + evalCount);
            return Main.USER_ERROR;
        }
        long t0 = System.nanoTime();
        Data train;
        Data test;
        try {
            Images trainImages = Images.read(root, "train");
            train = trainImages.slice(0, trainCount);
            if (evalStart == null) {
                test = Images.read(root, "t10k").slice(0, Integer.MAX_VALUE);
            } else if (evalStart >= trainImages.count()) {
                throw new IOException(trainImages.file() + ": --eval-start " + evalStart + " is past its "
                        + trainImages.count() + " images");
            } else {
                test = trainImages.slice(evalStart, evalCount);
            }
        } catch (IOException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Main.USER_ERROR;
        }
        int classes = 0;
        for (int l : train.labels()) {
            classes = Math.max(classes, l + 1);
        }
        LogisticRegression model = new LogisticRegression(train.x(), train.labels(), classes, l2);
        LogisticRegression.Fit fit = model.fit(maxIter, 1e-6);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("root", root.toString());
        result.put("train_images", train.x().length);
        result.put("eval", evalStart == null ? "test" : "train[" + evalStart + ", " + (evalStart + test.x().length)
                + ")");
        result.put("test_images", test.x().length);
        result.put("l2", l2);
        result.put("iterations", fit.result().iterations());
        result.put("converged", fit.result().converged());
        result.put("objective", fit.result().value());
        result.put("train_top1", top1(model.predict(fit.weights(), train.x()), train.labels()));
        result.put("top1", top1(model.predict(fit.weights(), test.x()), test.labels()));
        result.put("wall_s", (System.nanoTime() - t0) / 1e9);
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(result);
        spec.commandLine().getOut().println(json);
        spec.commandLine().getOut().flush();
        if (out != null) {
            AtomicFiles.write(out, json.getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }

    private record Data(double[][] x, int[] labels) {}

    /** An IDX image file with its labels, read once: the validation split and the training images share it. */
    private record Images(Path file, Idx.Images images, byte[] labels) {
        static Images read(Path root, String prefix) throws IOException {
            Path imageFile = PixelBaselineCommand.file(root, prefix + "-images-idx3-ubyte");
            return new Images(imageFile, Idx.readImages(imageFile),
                    Idx.readLabels(PixelBaselineCommand.file(root, prefix + "-labels-idx1-ubyte")));
        }

        int count() {
            return Math.min(images.count(), labels.length);
        }

        /** Images [start, start + max) (fewer where the file ends), pixels scaled to [0, 1]. */
        Data slice(int start, int max) {
            int n = (int) Math.min(max, (long) count() - start);
            double[][] x = new double[n][];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                byte[] px = images.image(start + i);
                x[i] = new double[px.length];
                for (int j = 0; j < px.length; j++) {
                    x[i][j] = (px[j] & 0xff) / 255.0;
                }
                y[i] = labels[start + i] & 0xff;
            }
            return new Data(x, y);
        }
    }

    private static Path file(Path root, String name) throws IOException {
        for (Path p : new Path[] {root.resolve(name + ".gz"), root.resolve(name)}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("--root " + root + ": neither " + name + ".gz nor " + name + " exists");
    }

    private static double top1(int[] predicted, int[] labels) {
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        return 100.0 * right / labels.length;
    }
}
