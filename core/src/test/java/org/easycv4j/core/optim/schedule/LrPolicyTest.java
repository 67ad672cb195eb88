package org.easycv4j.core.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.junit.jupiter.api.Test;

/** Learning rates against values worked out by hand from mmcv's and the MAE repo's formulas. */
class LrPolicyTest {
    private static final double BASE = 2.4e-3;

    private static ConfigNode node(String hocon) {
        return ConfigNode.root(ConfigFactory.parseString(hocon));
    }

    @Test
    void cosineWithoutWarmupFollowsHalfACosine() {
        CosineAnnealing c = CosineAnnealing.fromConfig(node("min_lr = 1e-5"));
        assertEquals(BASE, c.lr(BASE, 0, 10, 100), 1e-15);
        // halfway: min + (base - min) / 2
        assertEquals(1e-5 + (BASE - 1e-5) / 2, c.lr(BASE, 50, 10, 100), 1e-15);
        // a quarter: min + (base - min) * (1 + cos(pi/4)) / 2 = min + (base - min) * 0.853553390593
        assertEquals(1e-5 + (BASE - 1e-5) * 0.8535533905932737, c.lr(BASE, 25, 10, 100), 1e-15);
        assertEquals(1e-5, c.lr(BASE, 100, 10, 100), 1e-15);
    }

    @Test
    void easyCvWarmupScalesTheCosineValueLinearlyFromTheRatio() {
        // EasyCV MAE: warmup linear over 40 epochs from ratio 1e-4, cosine over the whole run.
        CosineAnnealing c = CosineAnnealing.fromConfig(node(
                "min_lr = 0, warmup = linear, warmup_iters = 4, warmup_ratio = 1e-4, warmup_by_epoch = true"));
        long perEpoch = 10;
        long max = 100;
        double regular0 = BASE; // cos(0)
        assertEquals(regular0 * 1e-4, c.lr(BASE, 0, perEpoch, max), 1e-18);
        // iter 20 of 40 warmup iterations: k = (1 - 0.5)(1 - 1e-4); lr = regular * (1 - k)
        double regular20 = BASE * 0.5 * (1 + Math.cos(Math.PI * 0.2));
        assertEquals(regular20 * (1 - 0.5 * (1 - 1e-4)), c.lr(BASE, 20, perEpoch, max), 1e-15);
        double regular40 = BASE * 0.5 * (1 + Math.cos(Math.PI * 0.4));
        assertEquals(regular40, c.lr(BASE, 40, perEpoch, max), 1e-15, "warmup over");
    }

    @Test
    void maeRepoScheduleRisesFromZeroThenStartsTheCosineAfterWarmup() {
        CosineAnnealing c = CosineAnnealing.fromConfig(node(
                "min_lr = 0, cosine_after_warmup = true, warmup = linear, warmup_iters = 40"));
        assertEquals(0, c.lr(BASE, 0, 1, 140), 0);
        assertEquals(BASE * 0.5, c.lr(BASE, 20, 1, 140), 1e-15);
        assertEquals(BASE, c.lr(BASE, 40, 1, 140), 1e-15);
        assertEquals(BASE / 2, c.lr(BASE, 90, 1, 140), 1e-15, "halfway through the 100 cosine iterations");
    }

    @Test
    void minLrRatioAndByEpoch() {
        CosineAnnealing c = CosineAnnealing.fromConfig(node("min_lr_ratio = 0.1, by_epoch = true"));
        // by epoch: iterations 10..19 share epoch 1 of 10
        assertEquals(c.lr(BASE, 10, 10, 100), c.lr(BASE, 19, 10, 100), 0);
        assertEquals(BASE * 0.1 + BASE * 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.1)), c.lr(BASE, 15, 10, 100), 1e-15);
    }

    @Test
    void stepAndFixedPolicies() {
        StepLr s = StepLr.fromConfig(node("step = [3, 6], gamma = 0.1"));
        assertEquals(1.0, s.lr(1.0, 29, 10, 100), 1e-15);
        assertEquals(0.1, s.lr(1.0, 30, 10, 100), 1e-15);
        assertEquals(0.01, s.lr(1.0, 60, 10, 100), 1e-15);
        FixedLr f = FixedLr.fromConfig(node("warmup = constant, warmup_iters = 5, warmup_ratio = 0.25"));
        assertEquals(0.25, f.lr(1.0, 4, 10, 100), 1e-15);
        assertEquals(1.0, f.lr(1.0, 5, 10, 100), 1e-15);
        FixedLr e = FixedLr.fromConfig(node("warmup = exp, warmup_iters = 4, warmup_ratio = 0.01"));
        assertEquals(Math.pow(0.01, 0.5), e.lr(1.0, 2, 10, 100), 1e-15);
    }

    @Test
    void polyPolicyFollowsMmcvsFormula() {
        PolyLr linear = PolyLr.fromConfig(node("min_lr = 0.0"));
        // by epoch (mmcv's default): epoch 3 of 10 -> 1 * (1 - 0.3)
        assertEquals(0.7, linear.lr(1.0, 35, 10, 100), 1e-15);
        PolyLr squared = PolyLr.fromConfig(node("power = 2.0, min_lr = 0.1, by_epoch = false"));
        // (1 - 0.1) * (1 - 25/100)^2 + 0.1 = 0.9 * 0.5625 + 0.1
        assertEquals(0.60625, squared.lr(1.0, 25, 10, 100), 1e-15);
        assertEquals(0.1, squared.lr(1.0, 100, 10, 100), 1e-15);
    }

    @Test
    void easyCvsWarmupByEpochHoldsTheWarmupLrForEachEpoch() {
        // EasyCV's DeiT schedule, 10 iterations an epoch, 10 epochs, 5 of warmup
        String cfg = "by_epoch = true, min_lr_ratio = 0.01, warmup = linear, warmup_by_epoch = true, "
                + "warmup_iters = 5, warmup_ratio = 1e-3";
        CosineAnnealingWarmupByEpoch w = CosineAnnealingWarmupByEpoch.fromConfig(node(cfg));
        double base = 1e-3;
        double min = base * 0.01;
        // epoch 2: the cosine of epoch 2 (0.2 of the run), warmed up as at its first iteration, 20 of 50
        double regular = min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * 0.2));
        double expected = regular * (1 - (1 - 0.4) * (1 - 1e-3));
        assertEquals(expected, w.lr(base, 20, 10, 100), 1e-18);
        assertEquals(expected, w.lr(base, 29, 10, 100), 1e-18, "held for the epoch");
        CosineAnnealing plain = CosineAnnealing.fromConfig(node(cfg));
        assertTrue(plain.lr(base, 29, 10, 100) > expected, "mmcv's own warmup rises every iteration");
        // after warmup: the plain cosine
        assertEquals(plain.lr(base, 57, 10, 100), w.lr(base, 57, 10, 100), 0);
        assertEquals(min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * 0.5)), w.lr(base, 57, 10, 100), 1e-18);
    }

    @Test
    void policyNamesAreReadAsMmcvReadsThem() {
        assertEquals("Step", LrPolicyNames.mmcv("step"));
        assertEquals("Cosineannealing", LrPolicyNames.mmcv("cosineannealing"));
        assertEquals("Cosine_Annealing", LrPolicyNames.mmcv("cosine_annealing"));
        assertEquals("CosineAnnealing", LrPolicyNames.mmcv("CosineAnnealing"));
        assertEquals("cosineAnnealing", LrPolicyNames.mmcv("cosineAnnealing"));
    }

    @Test
    void badSettingsAreReported() {
        ConfigNode n = node("warmup = linar, warmup_ratio = 2, min_lr = 0, min_lr_ratio = 0.1");
        CosineAnnealing.fromConfig(n);
        List<String> paths = n.problems().list().stream().map(p -> p.path()).toList();
        assertTrue(paths.containsAll(List.of("warmup", "warmup_ratio", "min_lr_ratio")), paths.toString());
    }
}
