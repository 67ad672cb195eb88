package org.easycv4j.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.Interpolation;
import org.easycv4j.data.pipeline.MmAutoAugment.Op;
import org.easycv4j.data.pipeline.MmAutoAugment.OpType;
import org.junit.jupiter.api.Test;

/** EasyCV's MMAutoAugment: mmcls' ImageNet policy, its probability gates, signs and pixel operations. */
class MmAutoAugmentTest {
    private static final MmAutoAugment.Settings DEFAULTS = new MmAutoAugment.Settings(new int[] {128, 128, 128},
            Interpolation.NEAREST, Interpolation.BICUBIC);

    /** Returns the given doubles in turn from nextDouble(). */
    static RandomGenerator draws(double... values) {
        return new RandomGenerator() {
            int k;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return values[k++];
            }
        };
    }

    private static ByteImage grey(int... values) {
        byte[] p = new byte[values.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) values[i];
        }
        return new ByteImage(values.length, 1, 1, p);
    }

    @Test
    void theImageNetPolicyHasMmclsSubPoliciesAndArguments() {
        List<List<Op>> p = MmAutoAugment.IMAGENET;
        assertEquals(25, p.size());
        assertTrue(p.stream().allMatch(s -> s.size() == 2));
        assertEquals(List.of(new Op(OpType.POSTERIZE, 0.4, 4), new Op(OpType.ROTATE, 0.6, 30)), p.get(0));
        assertEquals(new Op(OpType.SOLARIZE, 0.6, 256.0 / 9 * 4), p.get(1).get(0));
        assertEquals(new Op(OpType.SHEAR_X, 0.6, 0.3 / 9 * 5), p.get(18).get(0));
        assertEquals(List.of(new Op(OpType.COLOR_TRANSFORM, 0.6, 0.4), new Op(OpType.CONTRAST, 1.0, 0.8)), p.get(23));
        // operations per type, counted in mmcls' policy_imagenet
        java.util.Map<OpType, Long> counts = new java.util.EnumMap<>(OpType.class);
        p.stream().flatMap(List::stream).forEach(o -> counts.merge(o.type(), 1L, Long::sum));
        assertEquals(java.util.Map.of(OpType.AUTO_CONTRAST, 2L, OpType.COLOR_TRANSFORM, 6L, OpType.CONTRAST, 2L,
                OpType.EQUALIZE, 17L, OpType.INVERT, 3L, OpType.POSTERIZE, 5L, OpType.ROTATE, 6L, OpType.SHARPNESS, 1L,
                OpType.SHEAR_X, 1L, OpType.SOLARIZE, 7L), counts);
    }

    @Test
    void eachOperationIsGatedByItsProbabilityAndComputesMmcvsValues() {
        MmAutoAugment a = new MmAutoAugment(DEFAULTS);
        ByteImage img = grey(113, 114, 255, 0);
        Op solarize = new Op(OpType.SOLARIZE, 0.6, 256.0 / 9 * 4); // threshold 113.78
        assertSame(img, a.apply(solarize, img, draws(0.61)), "draw above the probability: not applied");
        assertArrayEquals(grey(113, 141, 0, 0).pixels(), a.apply(solarize, img, draws(0.6)).pixels());
        // bits 4: the low four bits cleared
        assertArrayEquals(grey(112, 112, 240, 0).pixels(),
                a.apply(new Op(OpType.POSTERIZE, 1, 4), img, draws(0.0)).pixels());
        assertArrayEquals(grey(142, 141, 0, 255).pixels(), a.apply(new Op(OpType.INVERT, 1, 0), img, draws(0)).pixels());
        // magnitude 0: factor 1 whatever the sign
        assertArrayEquals(img.pixels(), a.apply(new Op(OpType.COLOR_TRANSFORM, 1, 0), img, draws(0, 0.9)).pixels());
    }

    @Test
    void rotationIsClockwiseForAPositiveAngleAndNegatedWithProbabilityOneHalf() {
        MmAutoAugment a = new MmAutoAugment(DEFAULTS);
        // 2x2: a b / c d
        ByteImage img = new ByteImage(2, 2, 1, new byte[] {1, 2, 3, 4});
        Op rot = new Op(OpType.ROTATE, 1, 90);
        // sign draw >= 0.5: +90, clockwise: c a / d b
        assertArrayEquals(new byte[] {3, 1, 4, 2}, a.apply(rot, img, draws(0, 0.5)).pixels());
        // sign draw < 0.5: -90, counter-clockwise: b d / a c
        assertArrayEquals(new byte[] {2, 4, 1, 3}, a.apply(rot, img, draws(0, 0.49)).pixels());
    }

    @Test
    void theTransformKeepsTheSizeAndReadsHparams() {
        Transform t = TransformsTest.build("type = MMAutoAugment");
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            Sample out = t.apply(TransformsTest.sample(TransformsTest.image(12, 10, 3)), rng, TransformsTest.JAVA);
            assertEquals(12, out.image().width());
            assertEquals(10, out.image().height());
        }
        ConfigNode n = Fixtures.node("hparams { pad_val = [1, 2, 3], interpolation = bicubic }");
        MmAutoAugment.Settings s = MmAutoAugment.Settings.fromConfig(n);
        assertTrue(n.problems().isEmpty(), n.problems().list().toString());
        assertArrayEquals(new int[] {1, 2, 3}, s.fill());
        assertEquals(Interpolation.BICUBIC, s.rotateInterpolation());
        ConfigNode custom = Fixtures.node("policies = [[{type = Invert}]]");
        MmAutoAugment.Settings.fromConfig(custom);
        custom.finish();
        assertEquals(1, custom.problems().list().size(), custom.problems().list().toString());
        // mmcls' other operations are not offered in custom policies: the line names the element and what is.
        String line = custom.problems().list().get(0).toString();
        assertTrue(line.contains("policies[0][0].type") && line.contains("PILGaussianBlur"), line);
    }
}
