package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train → export → predict on real images, checked against the evaluation of the same checkpoint. */
class ExportPredictTest {
    private static final Path CONFIG = Path.of("..", "configs", "toy", "toy_mlp_fashion_mnist.conf");

    @Test
    void predictionsOnExportedImagesMatchTheEvaluationOfTheCheckpoint(@TempDir Path dir) throws Exception {
        String root = "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist") + "\"";
        CliRun.out("train", CONFIG.toString(), "--work-dir", dir.resolve("run").toString(), "--set", "total_epochs=1",
                "--set", "progress=off", "--set", root);
        Path ckpt = dir.resolve("run").resolve("epoch_1");
        Path evalJson = dir.resolve("eval.json");
        CliRun.out("eval", CONFIG.toString(), ckpt.toString(), "--out", evalJson.toString(), "--set", root);
        double top1 = JsonParser.parseString(Files.readString(evalJson)).getAsJsonObject()
                .getAsJsonObject("metrics").get("top1").getAsDouble();

        Path export = dir.resolve("export");
        CliRun.out("export", CONFIG.toString(), ckpt.toString(), export.toString(), "--set", root);
        JsonObject info = JsonParser.parseString(Files.readString(export.resolve("export.json"))).getAsJsonObject();
        assertEquals("classification", info.get("task").getAsString());
        assertEquals("Ankle boot", info.getAsJsonArray("class_names").get(9).getAsString());

        assertReadableByOthers(dir.resolve("run"), dir);
        assertReadableByOthers(export, dir);

        DemoTestImages.Predictions predictions = DemoTestImages.predict(export, dir);
        Path images = predictions.images();
        JsonArray results = predictions.results();
        List<Integer> labels = predictions.labels();
        assertEquals(1000, results.size());
        JsonArray names = info.getAsJsonArray("class_names");
        int correct = 0;
        for (int i = 0; i < results.size(); i++) {
            JsonElement top = results.get(i).getAsJsonObject().getAsJsonArray("topk").get(0);
            String predicted = top.getAsJsonObject().get("class").getAsString();
            double p = top.getAsJsonObject().get("probability").getAsDouble();
            assertTrue(p > 0 && p <= 1, "a probability: " + p);
            if (predicted.equals(names.get(labels.get(i)).getAsString())) {
                correct++;
            }
        }
        assertEquals(top1, 100.0 * correct / results.size(), 1e-9,
                "PNG files through predict give exactly the accuracy of eval on the IDX files");

        CliRun.Result folder = CliRun.run("predict", export.toString(), images.toString());
        assertEquals(Main.USER_ERROR, folder.code(), folder.err());
        assertEquals("error: " + images + ": is a directory, not an image file", folder.err().strip());

        // An export's config is data: an include in it is refused (nothing fetched), an environment variable unread.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger asked = new AtomicInteger();
        server.createContext("/", ex -> {
            asked.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        try {
            Path config = export.resolve("config.conf");
            String one = images.resolve(Files.readAllLines(images.resolve("test.txt")).get(0).split(" ")[0]).toString();
            String original = Files.readString(config);
            Files.writeString(config, "include url(\"http://127.0.0.1:" + server.getAddress().getPort()
                    + "/x.conf\")\n" + original);
            CliRun.Result included = CliRun.run("predict", export.toString(), one);
            assertEquals(Main.USER_ERROR, included.code(), included.err());
            assertTrue(included.err().contains(config.toString()) && included.err().contains("refused"), included.err());
            assertEquals(0, asked.get(), "predict fetched nothing");

            String home = System.getenv("HOME");
            Files.writeString(config, original + "\nclass_names = [${?HOME}, b, c, d, e, f, g, h, i, j]\n");
            CliRun.Result env = CliRun.run("predict", export.toString(), one);
            assertFalse(env.out().contains(home) || env.err().contains(home), env.out() + env.err());
        } finally {
            server.stop(0);
        }
    }

    /**
     * Every file and folder the tools wrote (config and provenance records, logs, checkpoints, plots, the export)
     * has the permissions of any newly created file or folder (the umask's, 0644 / 0755 usually), not the
     * owner-only ones of temporary files.
     */
    private static void assertReadableByOthers(Path tree, Path scratch) throws Exception {
        Path refFile = Files.createFile(scratch.resolve("reference-file"));
        Path refDir = Files.createDirectory(scratch.resolve("reference-dir"));
        Set<PosixFilePermission> file = Files.getPosixFilePermissions(refFile);
        Set<PosixFilePermission> folder = Files.getPosixFilePermissions(refDir);
        Assumptions.assumeTrue(file.contains(PosixFilePermission.OTHERS_READ), "a umask that lets others read");
        Files.delete(refFile);
        Files.delete(refDir);
        List<Path> all;
        try (Stream<Path> walk = Files.walk(tree)) {
            all = walk.toList();
        }
        assertTrue(all.stream().anyMatch(p -> p.toString().endsWith(".safetensors")), all.toString());
        for (Path p : all) {
            Set<PosixFilePermission> expected = Files.isDirectory(p) ? folder : file;
            assertEquals(PosixFilePermissions.toString(expected),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }
}
