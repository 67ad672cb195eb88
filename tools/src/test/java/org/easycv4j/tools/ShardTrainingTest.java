package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.data.shards.LocalS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's images sharded by tools/make-shards, uploaded to a real S3-compatible server on 127.0.0.1 (S3Proxy),
 * and MAE-pretrained from {@code s3://}: the same losses, step for step, as from the same shards on disk.
 */
class ShardTrainingTest {
    private static final Path DEMO = Path.of("..", "configs", "demo", "fashion_mnist").toAbsolutePath();
    private static final Path FMNIST = Path.of("..", "demo", "fashion-mnist").toAbsolutePath();

    private static List<Double> losses(Path workDir) throws Exception {
        return Files.readAllLines(workDir.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(r -> r.get("mode").getAsString().equals("train") && r.has("loss"))
                .map(r -> r.get("loss").getAsDouble()).toList();
    }

    private static Path config(Path dir, String name, String source) throws Exception {
        Path c = dir.resolve(name);
        Files.writeString(c, "include file(\"" + DEMO.resolve("mae_vit_tiny_p4_pretrain.conf") + "\")\n"
                + "vars.fmnist_root = \"" + FMNIST + "\"\n"
                + "data.train.data_source = null\n"
                + "data.train.data_source { type = WebDatasetSource, to_rgb = false, streams = 2, shuffle_buffer = 32, "
                + source + " }\n");
        return c;
    }

    private static int train(Path config, Path workDir) {
        return Main.run("train", config.toString(), "--work-dir", workDir.toString(), "--set", "total_epochs=2",
                "--set", "progress=off", "--set", "data.imgs_per_gpu=32", "--set", "custom_hooks=[]");
    }

    @Test
    void pretrainingFromS3EqualsPretrainingFromTheSameShardsOnDisk(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src.conf");
        Files.writeString(src, "data.train.data_source { type = ClsSourceIdx, root = \"" + FMNIST
                + "\", split = train, max_data_num = 160 }\n");
        Path shards = dir.resolve("shards");
        String printed = CliRun.out("make-shards", src.toString(), "--out", shards.toString(), "--prefix", "fm",
                "--max-count", "50");
        assertTrue(printed.contains("160 samples in"), printed);

        Path local = dir.resolve("local");
        assertEquals(0, train(config(dir, "local.conf", "urls = \"" + shards.resolve("fm-{000000..000003}.tar") + "\""),
                local));

        try (LocalS3 s3 = LocalS3.start(dir.resolve("store"), 0, "k", "s")) {
            s3.useAsDefaultCredentials();
            s3.upload(shards, "fmnist", "train/");
            String endpoint = s3.endpoint();
            Path remote = dir.resolve("remote");
            assertEquals(0, train(config(dir, "s3.conf", "urls = \"s3://fmnist/train/fm-{000000..000003}.tar\", endpoint = \""
                    + endpoint + "\""), remote));
            List<Double> a = losses(local);
            List<Double> b = losses(remote);
            assertTrue(a.size() >= 2, a.toString());
            assertEquals(a, b, "the same losses from s3:// as from disk");
        } finally {
            LocalS3.clearDefaultCredentials();
        }
    }
}
