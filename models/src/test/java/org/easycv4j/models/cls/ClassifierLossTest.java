package org.easycv4j.models.cls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.models.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The binary cross-entropy of EasyCV's {@code CrossEntropyLoss(use_sigmoid=True)} by hand: per element
 * {@code log(1 + e^x) - x y}, averaged over N × C. Logits 0, ln 3 and -ln 3 make the logs exact:
 * log(1 + 1) = ln 2, log(1 + 3) = 2 ln 2, log(1 + 1/3) = 2 ln 2 - ln 3.
 */
class ClassifierLossTest {
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);

    private static ClassifierLoss parse(String hocon) {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString(hocon));
        ClassifierLoss loss = n.parse(ClassifierLoss::fromConfig);
        assertEquals(0, n.problems().list().size(), n.problems().list().toString());
        return loss;
    }

    private static double value(ClassifierLoss loss, float[] logits, float[] target) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(logits, new Shape(2, 2));
            NDArray y = m.create(target, new Shape(2, 2));
            return loss.compute(x, y).getFloat();
        }
    }

    private static final float[] LOGITS = {0f, (float) LN3, (float) -LN3, 0f};
    /** A Mixup-like soft target: 0.6 / 0.4 of two classes, and a one-hot row. */
    private static final float[] SOFT = {0.6f, 0.4f, 0f, 1f};

    @Test
    void binaryCrossEntropyOnSoftTargets() {
        // ln 2 + (2 ln 2 - 0.4 ln 3) + (2 ln 2 - ln 3) + ln 2, over 4 elements.
        double expected = (6 * LN2 - 1.4 * LN3) / 4;
        assertEquals(expected, value(parse("use_sigmoid = true"), LOGITS, SOFT), 1e-6);
    }

    @Test
    void labelCeilMakesEveryMixedInClassATarget() {
        // targets [[1, 1], [0, 1]]: ln 2 + (2 ln 2 - ln 3) + (2 ln 2 - ln 3) + ln 2.
        double expected = (6 * LN2 - 2 * LN3) / 4;
        assertEquals(expected, value(parse("type = CrossEntropyLoss, use_sigmoid = true, label_ceil = true"),
                LOGITS, SOFT), 1e-6);
        assertEquals(2 * expected, value(parse("use_sigmoid = true, label_ceil = true, loss_weight = 2.0"),
                LOGITS, SOFT), 2e-6);
    }

    /** Large logits: the stable form gives 0 and |x|, where log(1 + e^x) would overflow to infinity. */
    @Test
    void largeLogitsStayFinite() {
        float[] x = {100f, -100f, 100f, -100f};
        float[] y = {1f, 1f, 0f, 0f};
        // 0 + 100 + 100 + 0, over 4.
        assertEquals(50.0, value(parse("use_sigmoid = true"), x, y), 1e-4);
    }

    @Test
    void softmaxCrossEntropyIsTheDefault() {
        // Row 1: -(0.6 log σ0 + 0.4 log σ1) with softmax of [0, ln 3] = [1/4, 3/4]; row 2: -log(softmax([-ln 3, 0])[1])
        // = -log(3/4).
        double row1 = -(0.6 * Math.log(0.25) + 0.4 * Math.log(0.75));
        double row2 = -Math.log(0.75);
        assertEquals((row1 + row2) / 2, value(ClassifierLoss.SOFTMAX, LOGITS, SOFT), 1e-6);
        assertEquals(ClassifierLoss.SOFTMAX, parse("type = SoftTargetCrossEntropy"));
    }

    /** Through ViTClassifier: hard labels become one-hot targets for the binary loss too. */
    @Test
    void theClassifierUsesItsLossConfigOnHardLabels() {
        ViTClassifier model = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 32, "
                + "patch_size = 8, embed_dim = 32, depth = 1, num_heads = 4, num_classes = 2, "
                + "loss_config { type = CrossEntropyLoss, use_sigmoid = true, label_ceil = true }")));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(LOGITS, new Shape(2, 2));
            NDArray labels = m.create(new long[] {0, 1});
            // targets [[1, 0], [0, 1]]: ln 2 + 2 ln 2 + (2 ln 2 - ln 3) + ln 2.
            assertEquals((6 * LN2 - LN3) / 4, model.loss(logits, labels).getFloat(), 1e-6);
        }
    }

    @Test
    void labelCeilWithoutSigmoidIsRejectedNamingTheKey() {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString("label_ceil = true"));
        n.parse(ClassifierLoss::fromConfig);
        assertEquals(1, n.problems().list().size());
        String message = n.problems().list().get(0).toString();
        assertTrue(message.contains("label_ceil") && message.contains("use_sigmoid"), message);
    }
}
