package org.easycv4j.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.pipeline.MmAutoAugment.Op;
import org.easycv4j.data.pipeline.MmAutoAugment.OpType;
import org.junit.jupiter.api.Test;

/** EasyCV's MMRandAugment: mmcls' magnitude mapping, its translate, the keys of EasyCV's DeiT configs. */
class MmRandAugmentTest {
    /** EasyCV's DeiT settings. */
    private static final String DEIT = "num_policies = 2, total_level = 10, magnitude_level = 9, magnitude_std = 0.5, "
            + "hparams { pad_val = [104, 116, 124], interpolation = bicubic }";

    private static MmRandAugment.Settings settings(String hocon) {
        ConfigNode n = Fixtures.node(hocon);
        MmRandAugment.Settings s = MmRandAugment.Settings.fromConfig(n);
        assertTrue(n.problems().isEmpty(), n.problems().list().toString());
        return s;
    }

    @Test
    void magnitudesMapLinearlyOntoEachRangeAsMmclsDoes() {
        MmRandAugment fixed = new MmRandAugment(settings("num_policies = 1, total_level = 10, magnitude_level = 9"));
        SplittableRandom rng = new SplittableRandom(1);
        // level 9 of 10: posterize 4 -> 0 gives 0.4 bits, solarize 256 -> 0 a threshold of 25.6
        assertEquals(new Op(OpType.POSTERIZE, 0.5, 4 - 0.9 * 4), fixed.op(new MmRandAugment.Policy(OpType.POSTERIZE, 4, 0),
                rng));
        assertEquals(256 - 0.9 * 256, fixed.op(new MmRandAugment.Policy(OpType.SOLARIZE, 256, 0), rng).value(), 1e-12);
        MmRandAugment noisy = new MmRandAugment(settings(DEIT.replace("0.5", "50")));
        for (int i = 0; i < 200; i++) {
            double v = noisy.op(new MmRandAugment.Policy(OpType.ROTATE, 0, 30), rng).value();
            assertTrue(v >= 0 && v <= 30, "clipped to [0, total_level] before mapping: " + v);
        }
        assertEquals(15, MmRandAugment.INCREASING.size());
    }

    @Test
    void translateMovesByTheMagnitudeTimesTheWidthFillingWithPadVal() {
        MmRandAugment.Settings s = settings("num_policies = 1, magnitude_level = 0, hparams { pad_val = 9 }");
        MmAutoAugment ops = new MmAutoAugment(s.ops(), java.util.List.of());
        ByteImage row = new ByteImage(4, 1, 1, new byte[] {1, 2, 3, 4});
        // gate draw 0 (applied), sign draw 0.9 (kept): +0.5 x 4 = 2 pixels to the right
        RandomGenerator draws = MmAutoAugmentTest.draws(0, 0.9);
        ByteImage out = ops.apply(new Op(OpType.TRANSLATE_X, 1, 0.5), row, draws);
        assertArrayEquals(new byte[] {9, 9, 1, 2}, out.pixels());
    }

    @Test
    void easyCvsDeitSettingsBuildAndKeepTheSize() {
        MmRandAugment.Settings s = settings(DEIT);
        assertEquals(2, s.numPolicies());
        assertArrayEquals(new int[] {104, 116, 124}, s.ops().fill());
        Transform t = new MmRandAugment(s);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            Sample out = t.apply(TransformsTest.sample(TransformsTest.image(12, 10, 3)), rng, TransformsTest.JAVA);
            assertEquals(12, out.image().width());
            assertEquals(10, out.image().height());
        }
        assertEquals(Double.POSITIVE_INFINITY,
                settings("num_policies = 2, magnitude_level = 9, magnitude_std = inf").magnitudeStd());
    }
}
