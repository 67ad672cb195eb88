package org.easycv4j.data.pipeline;

import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.Image;
import org.easycv4j.data.image.Interpolation;

/** Shared parsing of transform keys and shape checks. */
final class TransformSettings {
    private TransformSettings() {}

    /** {@code size = 224} (square) or {@code size = [h, w]}; returns {h, w}. */
    static int[] size(ConfigNode node, String key) {
        if (!node.has(key)) {
            node.integer(key); // records the missing key
            return new int[] {1, 1};
        }
        if (node.config().getValue(ConfigUtil.quoteString(key)).valueType() == ConfigValueType.NUMBER) {
            int s = node.integer(key);
            node.check(s >= 1, key, "expected a size >= 1, got " + s);
            return new int[] {Math.max(s, 1), Math.max(s, 1)};
        }
        List<Integer> hw = node.integers(key, List.of());
        if (hw.size() != 2 || hw.get(0) < 1 || hw.get(1) < 1) {
            node.problem(key, "expected an integer or [height, width] of integers >= 1, got " + hw);
            return new int[] {1, 1};
        }
        return new int[] {hw.get(0), hw.get(1)};
    }

    static Interpolation interpolation(ConfigNode node, String key, Interpolation fallback) {
        if (!node.has(key)) {
            node.accept(key);
            return fallback;
        }
        String s = node.string(key);
        return Interpolation.parse(s).orElseGet(() -> {
            node.problem(key, "expected one of " + Interpolation.NAMES + ", got \"" + s + "\"");
            return fallback;
        });
    }

    /** A [min, max] pair of numbers. */
    static double[] range(ConfigNode node, String key, double lo, double hi, double min) {
        List<Double> r = node.numbers(key, List.of(lo, hi));
        if (r.size() != 2 || r.get(0) > r.get(1) || r.get(0) < min) {
            node.problem(key, "expected [min, max] with " + min + " <= min <= max, got " + r);
            return new double[] {lo, hi};
        }
        return new double[] {r.get(0), r.get(1)};
    }

    static ByteImage bytes(Image img, String transform) {
        if (img instanceof ByteImage b) {
            return b;
        }
        if (img instanceof org.easycv4j.data.image.EncodedImage) {
            throw new IllegalStateException(transform + " got an image that is not decoded yet: only a first"
                    + " transform that decodes itself may receive one");
        }
        throw new IllegalStateException(transform + " works on 8-bit images: put it before ToTensor");
    }

    static FloatImage floats(Image img, String transform) {
        if (img instanceof FloatImage f) {
            return f;
        }
        throw new IllegalStateException(transform + " works on tensors: put ToTensor before it");
    }
}
