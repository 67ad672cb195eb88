package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Tools that use a part of a config (bench-data: data) read it as training does: includes, reference.conf, --set and
 * the config's own modules, with the experiment's defaults.
 */
class PartialConfigToolsTest {
    private static final String CONFIG = Path.of("..", "configs", "demo", "fashion_mnist",
            "mae_vit_tiny_p4_pretrain.conf").toAbsolutePath().normalize().toString();
    private static final String ROOT = "vars.fmnist_root=\"" + Path.of("..", "demo", "fashion-mnist")
            .toAbsolutePath().normalize() + "\"";

    @Test
    void benchDataFindsADatasetOfTheConfigsModulesAndTakesTheDefaultBatch() {
        CliRun.Result r = CliRun.run("bench-data", CONFIG, "--set", ROOT,
                "--set", "modules=[\"" + IndexNoiseModule.class.getName() + "\"]",
                "--set", "data.train.type=IndexNoise", "--set", "data.train.patches=49",
                "--set", "data.train.data_source.max_data_num=40", "--set", "data.imgs_per_gpu=null",
                "--batches", "1", "--warmup", "0", "--workers", "0");
        assertEquals(0, r.code(), r.out() + r.err());
        // imgs_per_gpu unset: the experiment's default of 32, the same as training's
        assertTrue(r.out().contains("data.train: IndexNoise, 40 samples") && r.out().contains(", batch 32, "),
                r.out());
    }
}
