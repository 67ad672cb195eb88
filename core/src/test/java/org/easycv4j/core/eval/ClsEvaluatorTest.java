package org.easycv4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Top-k and EasyCV's per-class metrics of class_list against counts worked out by hand. */
class ClsEvaluatorTest {
    @TempDir
    Path dir;

    /** Five samples, three classes: top-1 predictions 0 1 1 2 0, targets 0 1 2 2 1. */
    private static void feed(Evaluator e, NDManager m) {
        float[] logits = {
            5, 1, 0, // 0, class 0 right
            0, 4, 1, // 1, class 1 right
            1, 3, 2, // 1, target 2: second choice
            0, 1, 6, // 2, right
            2, 1, 0, // 0, target 1: second choice
        };
        e.update(new Batch(new NDList(m.zeros(new Shape(5, 1))), new NDList(m.create(new long[] {0, 1, 2, 2, 1})), 5),
                new StepOutput(m.create(0f), new NDList(m.create(logits, new Shape(5, 3)))));
    }

    private static ConfigNode node(String hocon) {
        return ConfigNode.root(ConfigFactory.parseString(hocon));
    }

    @Test
    void classListAddsEasyCvsPerClassMeans() throws Exception {
        ClsEvaluator.Settings s = ClsEvaluator.Settings.fromConfig(
                node("topk = [1, 2], class_list = [cat, dog, bird]"));
        Evaluator e = s.create();
        try (NDManager m = NDManager.newBaseManager()) {
            feed(e, m);
        }
        Map<String, Double> r = e.compute();
        assertEquals(60.0, r.get("top1"), 1e-12);
        assertEquals(100.0, r.get("top2"), 1e-12);
        // class 0: tp 1, fn 0, fp 1; class 1: tp 1, fn 1, fp 1; class 2: tp 1, fn 1, fp 0
        double eps = 1e-5;
        double[] rec = {1 / (1 + eps), 1 / (2 + eps), 1 / (2 + eps)};
        double[] pre = {1 / (2 + eps), 1 / (2 + eps), 1 / (1 + eps)};
        double f1 = 0;
        for (int k = 0; k < 3; k++) {
            f1 += 2 * rec[k] * pre[k] / (rec[k] + pre[k] + eps);
        }
        assertEquals((rec[0] + rec[1] + rec[2]) / 3, r.get("recall_mean"), 1e-12);
        assertEquals((pre[0] + pre[1] + pre[2]) / 3, r.get("precision_mean"), 1e-12);
        assertEquals(f1 / 3, r.get("f1_mean"), 1e-12);
        assertEquals(0.6667, r.get("recall_mean"), 1e-4, "2/3 by hand");

        // The per-class counts travel with the others (summed over ranks) and come back the same.
        Evaluator other = new ClsEvaluator(List.of(1, 2), List.of("cat", "dog", "bird"));
        other.setCounts(e.counts().orElseThrow());
        assertEquals(r, other.compute());
    }

    @Test
    void classListFromAFileAndTopkAsOneInteger() throws Exception {
        Path names = Files.writeString(dir.resolve("classes.txt"), "# names\ncat\ndog\n\nbird\n");
        ClsEvaluator.Settings s = ClsEvaluator.Settings.fromConfig(
                node("topk = 1, class_list = \"" + names.toString().replace("\\", "/") + "\""));
        assertEquals(List.of(1), s.topk());
        Evaluator e = s.create();
        try (NDManager m = NDManager.newBaseManager()) {
            feed(e, m);
        }
        assertEquals(List.of("top1", "recall_mean", "precision_mean", "f1_mean"), List.copyOf(e.compute().keySet()));
        assertEquals(List.of("top1", "top5"), List.copyOf(new ClsEvaluator(List.of(1, 5)).compute().keySet()),
                "no per-class metrics without a class list");
    }

    @Test
    void aClassListThatDoesNotFitIsRefused() throws Exception {
        ConfigNode dup = node("class_list = [cat, dog, cat]");
        ClsEvaluator.Settings.fromConfig(dup);
        assertTrue(dup.problems().list().get(0).message().contains("class \"cat\" at index 2 already named at index 0"),
                dup.problems().list().toString());
        Evaluator two = new ClsEvaluator(List.of(1), List.of("cat", "dog"));
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> feed(two, m));
            assertTrue(ex.getMessage().contains("class_list names 2 classes but the model gives 3 scores"),
                    ex.getMessage());
        }
    }
}
