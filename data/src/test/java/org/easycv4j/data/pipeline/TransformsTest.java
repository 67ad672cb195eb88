package org.easycv4j.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.Fixtures;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.EncodedImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageIoBackend;
import org.easycv4j.data.image.Interpolation;
import org.junit.jupiter.api.Test;

class TransformsTest {
    static final Components COMPONENTS = Fixtures.components();
    static final ImageBackend JAVA = new ImageIoBackend();

    static Transform build(String hocon) {
        ConfigNode[] n = new ConfigNode[1];
        Spec<Transform> spec = Fixtures.parse(COMPONENTS, hocon, DataKinds.TRANSFORM, n).orElseThrow();
        assertTrue(n[0].problems().isEmpty(), () -> n[0].problems().list().toString());
        return spec.create(Fixtures.context(null));
    }

    static ByteImage image(int w, int h, int c) {
        byte[] p = new byte[w * h * c];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        return new ByteImage(w, h, c, p);
    }

    static Sample sample(ByteImage img) {
        return new Sample(0, img, 3, "test");
    }

    @Test
    void randomResizedCropAreaWithinScaleAndLogAspectUniform() {
        // On a square image with scale <= 0.5 every draw fits (max side sqrt(0.5 * 4/3) * 300 = 245), so no
        // draw is rejected: area fraction must be uniform in scale and log-aspect uniform in log(ratio).
        double[] scale = {0.08, 0.5};
        double[] ratio = {3.0 / 4.0, 4.0 / 3.0};
        SplittableRandom rng = new SplittableRandom(1);
        int n = 20000;
        int[] bins = new int[4];
        double lo = Math.log(ratio[0]);
        double hi = Math.log(ratio[1]);
        double areaSum = 0;
        for (int i = 0; i < n; i++) {
            int[] c = RandomResizedCrop.sampleCrop(300, 300, scale, ratio, rng);
            assertTrue(c[0] >= 0 && c[1] >= 0 && c[0] + c[2] <= 300 && c[1] + c[3] <= 300);
            double area = (double) c[2] * c[3] / (300.0 * 300.0);
            // rounding w and h moves the area by at most ~2% at these sizes
            assertTrue(area >= 0.08 * 0.97 && area <= 0.5 * 1.02, "area fraction " + area);
            areaSum += area;
            double logAspect = Math.log((double) c[2] / c[3]);
            assertTrue(logAspect >= lo - 0.03 && logAspect <= hi + 0.03, "aspect " + logAspect);
            int bin = (int) Math.min(3, Math.max(0, (logAspect - lo) / (hi - lo) * 4));
            bins[bin]++;
        }
        assertEquals(0.29, areaSum / n, 0.005);
        for (int b : bins) {
            assertEquals(0.25, b / (double) n, 0.015, Arrays.toString(bins));
        }
    }

    @Test
    void randomResizedCropFallsBackToClampedCentreCrop() {
        // A 100x10 strip: no draw with aspect <= 4/3 fits, so torchvision's fallback crops the centre
        // with the maximal ratio: h = 10, w = round(10 * 4/3) = 13.
        int[] c = RandomResizedCrop.sampleCrop(100, 10, new double[] {0.9, 1.0}, new double[] {0.75, 4.0 / 3.0},
                new SplittableRandom(3));
        assertArrayEquals(new int[] {43, 0, 13, 10}, c);
    }

    @Test
    void randomResizedCropOutputsConfiguredSize() {
        Transform t = build("type = RandomResizedCrop, size = [24, 32], scale = [0.2, 1.0], interpolation = 3");
        Sample s = t.apply(sample(image(50, 40, 3)), new SplittableRandom(5), JAVA);
        assertEquals(32, s.image().width());
        assertEquals(24, s.image().height());
    }

    @Test
    void randomResizedCropOfAStillEncodedJpegDrawsTheSameCropAsOfTheDecodedImage() throws Exception {
        ImageBackend opencv = org.easycv4j.data.image.OpenCvBackend.tryLoad().orElseThrow();
        byte[] jpg = org.easycv4j.data.Fixtures.encode(org.easycv4j.data.Fixtures.gradient(500, 375, 9), "jpg");
        EncodedImage encoded = EncodedImage.jpeg(jpg, true).orElseThrow();
        for (ImageBackend be : List.of(JAVA, opencv)) {
            for (String reduced : List.of("true", "false")) {
                Transform t = build("type = RandomResizedCrop, size = 224, scale = [0.2, 1.0], interpolation = bicubic,"
                        + " reduced_decode = " + reduced);
                assertTrue(t.acceptsEncoded());
                for (long seed = 0; seed < 5; seed++) {
                    SplittableRandom a = new SplittableRandom(seed);
                    SplittableRandom b = new SplittableRandom(seed);
                    ByteImage fromEncoded = (ByteImage) t.apply(new Sample(0, encoded, 3, "x.jpg"), a, be).image();
                    ByteImage fromDecoded = (ByteImage) t.apply(sample(be.decode(jpg, true)), b, be).image();
                    // a 375-px-high picture never allows a reduced decode to 224: the same pixels either way
                    assertArrayEquals(fromDecoded.pixels(), fromEncoded.pixels(), be.name() + " seed " + seed);
                    assertEquals(b.nextLong(), a.nextLong(), "both paths draw the same numbers");
                }
            }
        }
        Transform flip = build("type = RandomHorizontalFlip, p = 1.0");
        assertFalse(flip.acceptsEncoded());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> flip.apply(new Sample(0, encoded, 3, "x.jpg"), new SplittableRandom(0), JAVA));
        assertTrue(e.getMessage().contains("not decoded yet"), e.getMessage());
    }

    @Test
    void reducedDecodeIsOnByDefaultAndCanBeTurnedOff() {
        ConfigNode[] n = new ConfigNode[1];
        Spec<Transform> on = Fixtures.parse(COMPONENTS, "type = RandomResizedCrop, size = 8", DataKinds.TRANSFORM, n)
                .orElseThrow();
        assertTrue(((RandomResizedCrop.Settings) on.settings()).reducedDecode());
        Spec<Transform> off = Fixtures.parse(COMPONENTS, "type = RandomResizedCrop, size = 8, reduced_decode = false",
                DataKinds.TRANSFORM, n).orElseThrow();
        assertFalse(((RandomResizedCrop.Settings) off.settings()).reducedDecode());
        Fixtures.parse(COMPONENTS, "type = RandomResizedCrop, size = 8, reduced_decode = maybe", DataKinds.TRANSFORM, n);
        assertTrue(n[0].problems().list().toString().contains("reduced_decode"), n[0].problems().list().toString());
    }

    @Test
    void flipMirrorsRowsWithProbability() {
        ByteImage img = image(3, 2, 3);
        ByteImage f = RandomHorizontalFlip.flip(img);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(img.get(2 - x, y, c), f.get(x, y, c));
                }
            }
        }
        Transform t = build("type = RandomHorizontalFlip, p = 0.5");
        SplittableRandom rng = new SplittableRandom(9);
        int flipped = 0;
        for (int i = 0; i < 2000; i++) {
            Sample s = t.apply(sample(img), rng, JAVA);
            if (s.image() != img) {
                flipped++;
            }
        }
        assertEquals(1000, flipped, 80);
        Transform never = build("type = RandomHorizontalFlip, p = 0");
        assertTrue(never.apply(sample(img), rng, JAVA).image() == img);
    }

    @Test
    void toTensorAndNormalizeGiveHandComputedValues() {
        ByteImage img = new ByteImage(2, 1, 3, new byte[] {0, (byte) 255, 51, 102, 0, (byte) 204});
        Sample s = build("type = ToTensor").apply(sample(img), null, JAVA);
        FloatImage t = (FloatImage) s.image();
        assertArrayEquals(new float[] {0f, 0.4f, 1f, 0f, 0.2f, 0.8f}, t.data(), 1e-6f);
        s = build("type = Normalize, mean = [0.5, 0.5, 0.5], std = [0.5, 0.25, 2.0]").apply(s, null, JAVA);
        assertArrayEquals(new float[] {-1f, -0.2f, 2f, -2f, -0.15f, 0.15f}, ((FloatImage) s.image()).data(), 1e-6f);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> build("type = Normalize").apply(sample(img), null, JAVA));
        assertTrue(e.getMessage().contains("put ToTensor before it"), e.getMessage());
    }

    @Test
    void normalizeRejectsChannelMismatch() {
        Sample grey = new Sample(0, new FloatImage(1, 1, 1, new float[] {0.5f}), 0, "g.png");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> build("type = Normalize").apply(grey, null, JAVA));
        assertTrue(e.getMessage().contains("g.png has 1 channels") && e.getMessage().contains("to_rgb"), e.getMessage());
    }

    @Test
    void resizeShortSideAndCentreCropLikeTorchvision() {
        Resize.Settings s = new Resize.Settings(256, 0, 0, Interpolation.BICUBIC);
        assertArrayEquals(new int[] {341, 256}, Resize.outputSize(s, 500, 375));
        assertArrayEquals(new int[] {256, 384}, Resize.outputSize(s, 200, 300));
        ByteImage img = image(5, 4, 1);
        ByteImage c = CenterCrop.crop(img, 3, 2);
        // top = round(1.0) = 1, left = round(1.0) = 1
        assertEquals(img.get(1, 1, 0), c.get(0, 0, 0));
        assertEquals(img.get(3, 2, 0), c.get(2, 1, 0));
        ByteImage padded = CenterCrop.crop(image(2, 2, 1), 4, 4);
        assertEquals(0, padded.get(0, 0, 0));
        assertEquals(image(2, 2, 1).get(0, 0, 0), padded.get(1, 1, 0));
        Sample r = build("type = Resize, size = 8, interpolation = bicubic").apply(sample(image(16, 12, 3)), null, JAVA);
        assertEquals(10, r.image().width());
        assertEquals(8, r.image().height());
    }

    @Test
    void resamplingAConstantImageKeepsItConstant() {
        byte[] p = new byte[37 * 23 * 3];
        Arrays.fill(p, (byte) 200);
        ByteImage img = new ByteImage(37, 23, 3, p);
        for (Interpolation i : Interpolation.values()) {
            ByteImage out = JAVA.resize(img, 3, 2, 30, 20, 11, 7, i);
            for (byte b : out.pixels()) {
                assertEquals(200, b & 0xFF, i.toString());
            }
        }
    }

    @Test
    void bilinearDownscaleByTwoAveragesNeighbours() {
        // PIL's antialiased bilinear halving of [0, 100, 200, 100] uses the triangle filter of support 2:
        // output 0 at centre 1.0 weights inputs 0,1 equally... check against hand-computed values.
        ByteImage img = new ByteImage(4, 1, 1, new byte[] {0, 100, (byte) 200, 100});
        ByteImage out = JAVA.resize(img, 0, 0, 4, 1, 2, 1, Interpolation.BILINEAR);
        // centre 1.0: taps x=0 (d=0.5 -> w=.75 scaled: (0+.5-1)/2 -> 0.75), x=1 (0.75), x=2 (0.25)
        // weights .75,.75,.25 over inputs 0,100,200 -> (75+50)/1.75 = 71.43
        assertEquals(71, out.get(0, 0, 0));
        // centre 3.0: taps x=1 (.25), 2 (.75), 3 (.75) -> (25+150+75)/1.75 = 142.86
        assertEquals(143, out.get(1, 0, 0));
    }

    @Test
    void randomErasingErasesTimmAreaAndLeavesTheRest() {
        RandomErasing.Settings s = new RandomErasing.Settings(1.0, RandomErasing.Mode.CONST, 1, 1, 0.02, 1.0 / 3.0, 0.3, 1 / 0.3);
        RandomErasing t = new RandomErasing(s);
        SplittableRandom rng = new SplittableRandom(11);
        double total = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            float[] d = new float[3 * 40 * 40];
            Arrays.fill(d, 5f);
            FloatImage img = new FloatImage(3, 40, 40, d);
            int erased = t.erase(img, rng);
            int zeros = 0;
            for (float v : d) {
                if (v == 0f) {
                    zeros++;
                }
            }
            assertEquals(3 * erased, zeros);
            double frac = erased / 1600.0;
            assertTrue(frac <= 1.0 / 3.0 + 0.05, "fraction " + frac);
            total += frac;
        }
        // Accepted draws: area uniform in [0.02, 1/3] (a few large, elongated ones are rejected) -> mean a bit below 0.177.
        assertEquals(0.177, total / n, 0.02);
        RandomErasing never = new RandomErasing(new RandomErasing.Settings(0.0, RandomErasing.Mode.PIXEL, 1, 1, 0.02, 1 / 3.0, 0.3, 3.33));
        assertEquals(0, never.erase(new FloatImage(1, 4, 4, new float[16]), rng));
    }

    @Test
    void randomErasingPixelModeDrawsNormalNoise() {
        Transform t = build("type = RandomErasing, p = 1.0, mode = pixel, min_area = 0.3, max_area = 0.3");
        float[] d = new float[100 * 100];
        Arrays.fill(d, 1000f);
        t.apply(new Sample(0, new FloatImage(1, 100, 100, d), 0, "x"), new SplittableRandom(2), JAVA);
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (float v : d) {
            if (v != 1000f) {
                sum += v;
                sq += v * v;
                n++;
            }
        }
        assertEquals(3000, n, 150);
        assertEquals(0, sum / n, 0.1);
        assertEquals(1, sq / n, 0.15);
    }

    @Test
    void imageOpsMatchPilDefinitions() {
        ByteImage img = new ByteImage(4, 1, 1, new byte[] {10, 50, (byte) 130, (byte) 250});
        assertArrayEquals(new byte[] {(byte) 245, (byte) 205, 125, 5}, ImageOps.invert(img).pixels());
        // posterize to 2 bits keeps the top two: 10->0, 50->0, 130->128, 250->192
        assertArrayEquals(new byte[] {0, 0, (byte) 128, (byte) 192}, ImageOps.posterize(img, 2).pixels());
        // solarize at 128 inverts 130 and 250
        assertArrayEquals(new byte[] {10, 50, 125, 5}, ImageOps.solarize(img, 128).pixels());
        assertArrayEquals(new byte[] {40, 80, (byte) 130, (byte) 250}, ImageOps.solarizeAdd(img, 30, 128).pixels());
        // autocontrast stretches [10, 250] to [0, 255]: v -> int((v - 10) * 255 / 240)
        assertArrayEquals(new byte[] {0, 42, (byte) 127, (byte) 255}, ImageOps.autoContrast(img).pixels());
        // equalize: 4 distinct values of count 1, step = (4 - 1) / 255 = 0 -> identity
        assertArrayEquals(img.pixels(), ImageOps.equalize(img).pixels());
        // brightness 0.5 halves (truncating), contrast 0 gives the mean grey int(110 + 0.5) = 110
        assertArrayEquals(new byte[] {5, 25, 65, 125}, ImageOps.brightness(img, 0.5).pixels());
        assertArrayEquals(new byte[] {110, 110, 110, 110}, ImageOps.contrast(img, 0.0).pixels());
    }

    @Test
    void affineIdentityAndTranslateMatchPil() {
        ByteImage img = image(6, 5, 3);
        int[] fill = {1, 2, 3};
        assertArrayEquals(img.pixels(), ImageOps.affine(img, new double[] {1, 0, 0, 0, 1, 0}, Interpolation.BICUBIC, fill).pixels());
        ByteImage t = ImageOps.affine(img, new double[] {1, 0, 2, 0, 1, 0}, Interpolation.BILINEAR, fill);
        assertEquals(img.get(3, 1, 0), t.get(1, 1, 0));
        assertEquals(1, t.get(4, 1, 0)); // samples x = 6.5: outside, fill
        assertEquals(3, t.get(5, 4, 2));
        ByteImage r = ImageOps.rotate(img, 0, Interpolation.BICUBIC, fill);
        assertArrayEquals(img.pixels(), r.pixels());
    }

    @Test
    void randAugmentParsesTimmStringsAndKeepsSize() {
        ConfigNode n = Fixtures.node("type = RandAugment, config_str = \"rand-m9-mstd0.5-inc1\"");
        RandAugment.Settings s = RandAugment.Settings.fromConfig(n);
        assertTrue(n.problems().isEmpty(), n.problems().list().toString());
        assertEquals(2, s.numOps());
        assertEquals(9, s.magnitude());
        assertEquals(0.5, s.magnitudeStd());
        assertTrue(s.increasing());
        assertEquals(0.5, s.prob());
        assertArrayEquals(new int[] {124, 116, 104}, s.fill());
        Transform t = build("type = RandAugment, config_str = \"rand-m9-mstd0.5-inc1\"");
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 200; i++) {
            Sample out = t.apply(sample(image(12, 10, 3)), rng, JAVA);
            assertEquals(12, out.image().width());
            assertEquals(10, out.image().height());
        }
        ConfigNode bad = Fixtures.node("config_str = \"rand-m9-x3\"");
        RandAugment.Settings.fromConfig(bad);
        assertTrue(bad.problems().list().get(0).toString().contains("unsupported RandAugment option \"x3\""),
                bad.problems().list().toString());
    }

    @Test
    void randAugmentIncreasingLevelsFollowTimm() {
        RandAugment ra = new RandAugment(new RandAugment.Settings("", 1, 10, 0, 10, 1, true, RandAugment.Resampling.BICUBIC, new int[] {0}, 0.45));
        ByteImage img = new ByteImage(2, 1, 1, new byte[] {(byte) 255, 1});
        // magnitude 10, increasing: posterize keeps 4 - int(4) = 0 bits -> black
        assertArrayEquals(new byte[] {0, 0}, ra.apply(RandAugment.Op.POSTERIZE, img, 10, true, new SplittableRandom(1)).pixels());
        // solarize increasing at 10: threshold 256 - 256 = 0 -> everything inverted
        assertArrayEquals(new byte[] {0, (byte) 254}, ra.apply(RandAugment.Op.SOLARIZE, img, 10, true, new SplittableRandom(1)).pixels());
        // magnitude 0: enhance factor exactly 1 -> unchanged
        assertArrayEquals(img.pixels(), ra.apply(RandAugment.Op.BRIGHTNESS, img, 0, true, new SplittableRandom(1)).pixels());
    }

    @Test
    void collectChecksKeys() {
        ConfigNode[] n = new ConfigNode[1];
        Optional<Spec<Transform>> spec = Fixtures.parse(COMPONENTS, "type = Collect, keys = [img, gt_label]",
                DataKinds.TRANSFORM, n);
        assertTrue(spec.isPresent());
        assertEquals(1, n[0].problems().list().size());
        assertTrue(n[0].problems().list().get(0).toString().contains("unknown key \"gt_label\""));
    }

    @Test
    void badTransformKeysAreCollectedWithPaths() {
        ConfigNode[] n = new ConfigNode[1];
        Fixtures.parse(COMPONENTS, "type = RandomResizedCrop, size = 224, scale = [0.9, 0.1], interpolaton = 3",
                DataKinds.TRANSFORM, n);
        List<String> msgs = n[0].problems().list().stream().map(Object::toString).toList();
        assertEquals(2, msgs.size(), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.contains("scale") && m.contains("[min, max]")), msgs.toString());
        assertTrue(msgs.stream().anyMatch(m -> m.contains("interpolaton") && m.contains("unknown key")
                && m.contains("interpolation")), msgs.toString());
    }

    @Test
    void maeFtAugmentExpandsToTheTimmSequence() throws Exception {
        MaeFtAugment train = (MaeFtAugment) build("type = MAEFtAugment, input_size = 32, color_jitter = null,"
                + " auto_augment = \"rand-m9-mstd0.5-inc1\", interpolation = bicubic, re_prob = 0.25, re_mode = pixel,"
                + " re_count = 1, mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]");
        assertEquals(List.of(RandomResizedCrop.class, RandomHorizontalFlip.class, RandAugment.class, ToTensor.class,
                Normalize.class, RandomErasing.class), train.steps().stream().map(Object::getClass).toList());
        Sample s = train.apply(sample(image(50, 40, 3)), new SplittableRandom(1), JAVA);
        assertEquals(new FloatImage(3, 32, 32, new float[3 * 32 * 32]).shapeText(), s.image().shapeText());
        MaeFtAugment eval = (MaeFtAugment) build("type = MAEFtAugment, input_size = 32, is_train = false");
        assertEquals(List.of(Resize.class, CenterCrop.class, ToTensor.class, Normalize.class),
                eval.steps().stream().map(Object::getClass).toList());
        Sample e = eval.apply(sample(image(50, 40, 3)), null, JAVA);
        assertEquals(32, e.image().width());
        // training starts with RandomResizedCrop, so it takes a still-encoded JPEG, to the same result
        assertTrue(train.acceptsEncoded());
        assertFalse(eval.acceptsEncoded());
        byte[] jpg = org.easycv4j.data.Fixtures.encode(org.easycv4j.data.Fixtures.gradient(50, 40, 3), "jpg");
        float[] fromEncoded = ((FloatImage) train.apply(new Sample(0, EncodedImage.jpeg(jpg, true).orElseThrow(), 3,
                "x.jpg"), new SplittableRandom(4), JAVA).image()).data();
        float[] fromDecoded = ((FloatImage) train.apply(sample(JAVA.decode(jpg, true)), new SplittableRandom(4), JAVA)
                .image()).data();
        assertArrayEquals(fromDecoded, fromEncoded);
        ConfigNode[] n = new ConfigNode[1];
        Fixtures.parse(COMPONENTS, "type = MAEFtAugment, color_jitter = 0.4", DataKinds.TRANSFORM, n);
        assertTrue(n[0].problems().list().toString().contains("ColorJitter is not supported"), n[0].problems().list().toString());
    }

    @Test
    void fusedToTensorNormalizeEqualsTheTwoSteps() {
        ByteImage img = image(7, 5, 3);
        Normalize norm = new Normalize(new Normalize.Settings(Normalize.IMAGENET_MEAN, Normalize.IMAGENET_STD));
        Sample separate = norm.apply(new ToTensor().apply(sample(img), null, JAVA), null, JAVA);
        Sample fused = new Pipeline(List.of(new ToTensor(), norm)).apply(sample(img), null, JAVA);
        assertArrayEquals(((FloatImage) separate.image()).data(), ((FloatImage) fused.image()).data(), 1e-6f);
        Sample grey = new Sample(0, image(3, 3, 1), 0, "grey.png");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Pipeline(List.of(new ToTensor(), norm)).apply(grey, null, JAVA));
        assertTrue(e.getMessage().contains("grey.png has 1 channels"), e.getMessage());
    }

    @Test
    void writeTensorIntoTheBatchBufferEqualsTheFullPipeline() {
        Normalize norm = new Normalize(new Normalize.Settings(List.of(0.5, 0.4, 0.3), List.of(0.2, 0.3, 0.4)));
        Pipeline p = new Pipeline(List.of(new RandomHorizontalFlip(1.0), new ToTensor(), norm, new Collect()));
        assertTrue(p.endsWithToTensor());
        assertEquals(1, p.head().size());
        ByteImage img = image(6, 4, 3);
        float[] full = ((FloatImage) p.apply(sample(img), new SplittableRandom(1), JAVA).image()).data();
        Sample head = p.applyHead(sample(img), new SplittableRandom(1), JAVA);
        FloatBuffer buf = FloatBuffer.allocate(10 + full.length);
        p.writeTensor((ByteImage) head.image(), "x", buf, 10);
        float[] written = new float[full.length];
        buf.get(10, written);
        assertArrayEquals(full, written, 1e-6f);
        assertFalse(new Pipeline(List.of(new ToTensor(), norm, new RandomErasing(
                new RandomErasing.Settings(1, RandomErasing.Mode.CONST, 1, 1, 0.02, 0.3, 0.3, 3.3)))).endsWithToTensor());
    }

    /** value * 2 + 1 on every channel: a channel map the pipeline knows only through its interface. */
    private static final class TwicePlusOne implements ChannelMap {
        @Override
        public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
            float[] d = ((FloatImage) sample.image()).data();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] * 2 + 1;
            }
            return sample;
        }

        @Override
        public void mapTables(float[][] tables, String origin) {
            for (float[] t : tables) {
                for (int v = 0; v < t.length; v++) {
                    t[v] = t[v] * 2 + 1;
                }
            }
        }

        @Override
        public void mapAffine(float[] scale, float[] shift, String origin) {
            for (int c = 0; c < scale.length; c++) {
                scale[c] *= 2;
                shift[c] = shift[c] * 2 + 1;
            }
        }
    }

    @Test
    void anyTensorWriterAndChannelMapsFuseAndWriteIntoTheBatchBuffer() {
        Transform passThrough = new Transform() {
            @Override
            public Sample apply(Sample sample, RandomGenerator rng, ImageBackend backend) {
                return sample;
            }

            @Override
            public boolean passesThrough() {
                return true;
            }
        };
        Normalize norm = new Normalize(new Normalize.Settings(List.of(0.5), List.of(0.25)));
        Pipeline p = new Pipeline(List.of(new RandomHorizontalFlip(1.0), new ToTensor(), new TwicePlusOne(), norm,
                passThrough));
        assertTrue(p.endsWithToTensor());
        assertEquals(1, p.head().size());
        // byte 255: 1 -> 3 -> (3 - 0.5) / 0.25 = 10; byte 0: 0 -> 1 -> 2
        float[][] affine = p.tailAffine(1, "x");
        assertEquals(10f, 255 * affine[0][0] + affine[1][0], 1e-5f);
        assertEquals(2f, affine[1][0], 1e-6f);
        ByteImage img = image(5, 3, 1);
        float[] full = ((FloatImage) p.apply(sample(img), new SplittableRandom(1), JAVA).image()).data();
        Sample head = p.applyHead(sample(img), new SplittableRandom(1), JAVA);
        FloatBuffer buf = FloatBuffer.allocate(full.length);
        p.writeTensor((ByteImage) head.image(), "x", buf, 0);
        float[] written = new float[full.length];
        buf.get(0, written);
        assertArrayEquals(full, written, 0f, "the fused tables compute what the steps compute one by one");
        byte[] px = img.pixels();
        // pixel (0, 0) after the flip is the input's pixel (0, 4)
        float expected = ((px[4] & 0xFF) / 255f * 2 + 1 - 0.5f) / 0.25f;
        assertEquals(expected, full[0], 1e-5f);
        assertFalse(new Pipeline(List.of(new ToTensor(), passThrough, new TwicePlusOne())).endsWithToTensor(),
                "a map after a pass-through step is not fused");
    }
}
