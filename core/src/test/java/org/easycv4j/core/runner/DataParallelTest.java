package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code devices} with several entries: replicas on two "devices" (two CPU replicas here; on a GPU machine the
 * same code runs on gpu:0 and gpu:1) train exactly like one device fed the whole batch.
 */
class DataParallelTest {

    private static Runner runner(Path workDir, String... sets) {
        List<String> all = new ArrayList<>(List.of("optimizer_config={grad_clip={max_norm=1.0}}"));
        all.addAll(List.of(sets));
        return TrainRuns.runner(workDir, all.toArray(String[]::new));
    }

    private static List<Double> losses(Path workDir) throws IOException {
        return TrainRuns.losses(workDir);
    }

    private static void assertSameTraining(Path a, Path b, int logged) throws IOException {
        List<Double> la = losses(a);
        List<Double> lb = losses(b);
        assertEquals(logged, la.size());
        assertEquals(la.size(), lb.size());
        for (int i = 0; i < la.size(); i++) {
            assertEquals(la.get(i), lb.get(i), 1e-5, "loss of iteration " + i);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> wa = SafeTensors.read(a.resolve("epoch_2").resolve(Checkpoints.MODEL), m);
            Map<String, NDArray> wb = SafeTensors.read(b.resolve("epoch_2").resolve(Checkpoints.MODEL), m);
            assertEquals(wa.keySet(), wb.keySet());
            for (String k : wa.keySet()) {
                float[] x = wa.get(k).toFloatArray();
                float[] y = wb.get(k).toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(x[i], y[i], 1e-5f, k + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void twoReplicasTrainLikeOneDeviceWithTheWholeBatch(@TempDir Path dir) throws Exception {
        runner(dir.resolve("one"), "data.imgs_per_gpu=16").train(false);
        runner(dir.resolve("two"), "data.imgs_per_gpu=8", "devices=[cpu, cpu]").train(false);
        assertSameTraining(dir.resolve("one"), dir.resolve("two"), 8);
    }

    /** 64 samples in batches of 3 x 7 = 21: the last batch of 1 leaves two replicas idle. */
    @Test
    void unevenAndTinyLastBatchesAreSplitByShare(@TempDir Path dir) throws Exception {
        runner(dir.resolve("one"), "data.imgs_per_gpu=21").train(false);
        runner(dir.resolve("three"), "data.imgs_per_gpu=7", "devices=[cpu, cpu, cpu]").train(false);
        assertSameTraining(dir.resolve("one"), dir.resolve("three"), 8);
    }
}
