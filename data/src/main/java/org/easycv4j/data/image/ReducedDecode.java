package org.easycv4j.data.image;

/**
 * When a crop of a JPEG may be decoded at 1/2, 1/4 or 1/8 scale (libjpeg's scaled inverse DCT, OpenCV's
 * {@code IMREAD_REDUCED_*}), and which region of the reduced picture it then is.
 *
 * <p>Rule: the largest factor f in {8, 4, 2} with {@code w >= f * outW} and {@code h >= f * outH}, so the
 * reduced crop is still at least the output size in both directions and the final resize remains a downscale
 * (or the identity): a decode at reduced scale only replaces part of a reduction the resize would have done,
 * and no detail the output could show is lost. A factor depends only on the crop and the output size, so the
 * choice is a pure function of (seed, epoch, sample index), like the crop itself.
 *
 * <p>The reduced picture has ceil(W / f) x ceil(H / f) pixels, pixel i covering full-scale pixels
 * [f i, f i + f). The crop [x, x + w) maps to [x / f, (x + w) / f); both edges are rounded to the nearest
 * reduced pixel, which moves each edge by at most f / 2 full-scale pixels (at most 0.25 % of the crop's
 * width for f = 2, since the crop is then at least 2 * outW wide).
 */
public final class ReducedDecode {
    private ReducedDecode() {}

    /** The reduction factor for a w x h crop resized to outW x outH: 1 (full decode), 2, 4 or 8. */
    public static int factor(int w, int h, int outW, int outH) {
        for (int f = 8; f >= 2; f /= 2) {
            if (w >= (long) f * outW && h >= (long) f * outH) {
                return f;
            }
        }
        return 1;
    }

    /** The size of a full-scale {@code size} decoded at 1 / f: ceil(size / f), as libjpeg computes it. */
    public static int reducedSize(int size, int f) {
        return (size + f - 1) / f;
    }

    /**
     * The crop (x, y, w, h) of a fullW x fullH picture as a region {x, y, w, h} of its decode at 1 / f (the
     * identity for f = 1).
     */
    public static int[] region(int x, int y, int w, int h, int fullW, int fullH, int f) {
        if (f == 1) {
            return new int[] {x, y, w, h};
        }
        int x0 = snap(x, f);
        int y0 = snap(y, f);
        int x1 = Math.min(snap(x + w, f), reducedSize(fullW, f));
        int y1 = Math.min(snap(y + h, f), reducedSize(fullH, f));
        return new int[] {x0, y0, x1 - x0, y1 - y0};
    }

    /** v / f rounded to the nearest integer, halves up. */
    private static int snap(int v, int f) {
        return (v + f / 2) / f;
    }
}
