package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.easycv4j.data.prepare.SyntheticImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every experiment under configs/ passes {@code --dry-run} (the whole object graph is built and the model
 * initialized) when its data exists, and fails on nothing but the data when it does not.
 */
class ShippedConfigsTest {
    private static final Path CONFIGS = Path.of("..", "configs");

    @TempDir
    static Path imagenet;

    static Stream<Path> experiments() throws IOException {
        try (Stream<Path> s = Files.walk(CONFIGS)) {
            return s.filter(p -> p.toString().endsWith(".conf"))
                    .filter(p -> !CONFIGS.relativize(p).startsWith("_base_"))
                    .sorted().toList().stream();
        }
    }

    /** A miniature ImageNet: EasyCV's list files and real JPEGs, one full batch of the largest config's. */
    @BeforeAll
    static void fakeImageNet() throws IOException {
        // The linear probe's batch is 512 with drop_last: the labelled list names each image 8 times.
        writeFakeImageNet(imagenet, 8);
    }

    /**
     * A miniature ImageNet in EasyCV's layout under {@code root}: 64 training and 4 validation JPEGs, the
     * unlabelled and labelled lists in {@code meta/}, the labelled training list repeated {@code repeats} times.
     */
    static void writeFakeImageNet(Path imagenet, int repeats) throws IOException {
        SyntheticImages.write(imagenet.resolve("train"), 64, 0);
        SyntheticImages.write(imagenet.resolve("validation"), 4, 1);
        Files.createDirectories(imagenet.resolve("meta"));
        List<String> ssl = new ArrayList<>();
        for (String line : Files.readAllLines(imagenet.resolve("train/list.txt"))) {
            ssl.add("train/" + line);
        }
        Files.write(imagenet.resolve("meta/train.txt"), ssl);
        List<String> labelled = Files.readAllLines(imagenet.resolve("train/labelled.txt"));
        List<String> repeated = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            repeated.addAll(labelled);
        }
        Files.write(imagenet.resolve("meta/train_labeled.txt"), repeated);
        Files.copy(imagenet.resolve("validation/labelled.txt"), imagenet.resolve("meta/val_labeled.txt"));
    }


    private static List<String> args(Path config, Path workDir, String root) {
        List<String> a = new ArrayList<>(List.of("train", config.toString(), "--dry-run", "--work-dir",
                workDir.toString(), "--set", "vars.imagenet_root=\"" + root + "\"", "--set",
                "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist") + "\""));
        String text = config.toString();
        if (text.contains("finetune") || text.contains("linprobe")) {
            // The pretrained encoder of a fine-tuning config is the output of another run.
            a.addAll(List.of("--set", "model.pretrained=null"));
        }
        return a;
    }

    @ParameterizedTest
    @MethodSource("experiments")
    void dryRunBuildsEverythingWhenTheDataExists(Path config, @TempDir Path work) {
        CliRun.Result r = CliRun.run(args(config, work, imagenet.toString()).toArray(String[]::new));
        assertEquals(0, r.code(), config + ": " + r.err());
        assertTrue(Files.exists(work.resolve("param_groups.json")), config.toString());
    }

    @ParameterizedTest
    @MethodSource("experiments")
    void withoutTheDataOnlyTheDataIsReported(Path config, @TempDir Path work) {
        String text = config.toString();
        if (!text.contains("imagenet") && !text.contains("selfsup")) {
            return; // the demo configs' data ships with the repository
        }
        CliRun.Result r = CliRun.run(args(config, work, work.resolve("no-imagenet").toString()).toArray(String[]::new));
        String msg = r.err();
        assertEquals(Main.USER_ERROR, r.code(), msg);
        assertTrue(msg.contains("data.train.data_source") && msg.contains("no-imagenet")
                && msg.contains("does not exist"), msg);
    }
}
