package org.easycv4j.data.image;

import java.util.Arrays;

/**
 * Pure-Java separable resampling with PIL's antialiasing rule: when shrinking, the filter support grows
 * with the scale, so a downscaled image is low-passed as torchvision's PIL path does. Bilinear uses the
 * triangle filter, bicubic Keys' cubic with a = -0.5 (PIL's choice). Intermediate values stay in float
 * (PIL rounds to 8 bits between passes; the difference is at most one grey level).
 */
public final class Resampler {
    private Resampler() {}

    /** Resamples the region (x, y, w, h) of {@code src} to outW x outH. */
    public static ByteImage resize(ByteImage src, int x, int y, int w, int h, int outW, int outH,
            Interpolation interpolation) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > src.width() || y + h > src.height()) {
            throw new IllegalArgumentException("region (" + x + ", " + y + ", " + w + ", " + h
                    + ") outside a " + src.width() + "x" + src.height() + " image");
        }
        int c = src.channels();
        if (interpolation == Interpolation.NEAREST) {
            return nearest(src, x, y, w, h, outW, outH);
        }
        Coefficients cx = Coefficients.of(x, w, outW, interpolation);
        Coefficients cy = Coefficients.of(y, h, outH, interpolation);
        int rowLo = cy.minIndex();
        int rowHi = cy.maxIndex();
        int rows = rowHi - rowLo;
        byte[] in = src.pixels();
        int inStride = src.width() * c;
        int tmpStride = outW * c;
        float[] tmp = new float[rows * tmpStride];
        int kx = cx.taps;
        // Horizontal pass over the rows the vertical pass reads.
        for (int r = 0; r < rows; r++) {
            int inRow = (rowLo + r) * inStride;
            int tRow = r * tmpStride;
            for (int ox = 0; ox < outW; ox++) {
                int start = cx.start[ox];
                int n = cx.count[ox];
                int wBase = ox * kx;
                if (c == 3) {
                    float a0 = 0;
                    float a1 = 0;
                    float a2 = 0;
                    int p = inRow + start * 3;
                    for (int k = 0; k < n; k++, p += 3) {
                        float wk = cx.weights[wBase + k];
                        a0 += wk * (in[p] & 0xFF);
                        a1 += wk * (in[p + 1] & 0xFF);
                        a2 += wk * (in[p + 2] & 0xFF);
                    }
                    int t = tRow + ox * 3;
                    tmp[t] = a0;
                    tmp[t + 1] = a1;
                    tmp[t + 2] = a2;
                } else {
                    float a = 0;
                    int p = inRow + start;
                    for (int k = 0; k < n; k++, p++) {
                        a += cx.weights[wBase + k] * (in[p] & 0xFF);
                    }
                    tmp[tRow + ox] = a;
                }
            }
        }
        byte[] out = new byte[outW * outH * c];
        float[] acc = new float[tmpStride];
        int ky = cy.taps;
        for (int oy = 0; oy < outH; oy++) {
            int start = cy.start[oy] - rowLo;
            int n = cy.count[oy];
            Arrays.fill(acc, 0f);
            for (int k = 0; k < n; k++) {
                float wk = cy.weights[oy * ky + k];
                int t = (start + k) * tmpStride;
                for (int i = 0; i < tmpStride; i++) {
                    acc[i] += wk * tmp[t + i];
                }
            }
            int o = oy * tmpStride;
            for (int i = 0; i < tmpStride; i++) {
                out[o + i] = clamp(acc[i]);
            }
        }
        return new ByteImage(outW, outH, c, out);
    }

    static byte clamp(float v) {
        int r = Math.round(v);
        return (byte) (r < 0 ? 0 : Math.min(r, 255));
    }

    private static ByteImage nearest(ByteImage src, int x, int y, int w, int h, int outW, int outH) {
        int c = src.channels();
        byte[] out = new byte[outW * outH * c];
        byte[] in = src.pixels();
        for (int oy = 0; oy < outH; oy++) {
            int sy = y + Math.min(h - 1, (int) ((oy + 0.5) * h / outH));
            for (int ox = 0; ox < outW; ox++) {
                int sx = x + Math.min(w - 1, (int) ((ox + 0.5) * w / outW));
                System.arraycopy(in, (sy * src.width() + sx) * c, out, (oy * outW + ox) * c, c);
            }
        }
        return new ByteImage(outW, outH, c, out);
    }

    /** The filter's weight at distance {@code d} input pixels (no antialias scaling). */
    public static double filterValue(Interpolation interpolation, double d) {
        return filter(interpolation, d);
    }

    /** Filter value at distance {@code d} (in input pixels scaled by the support). */
    static double filter(Interpolation interpolation, double d) {
        double t = Math.abs(d);
        if (interpolation == Interpolation.BILINEAR) {
            return t < 1 ? 1 - t : 0;
        }
        double a = -0.5;
        if (t < 1) {
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        }
        if (t < 2) {
            return (((t - 5) * t + 8) * t - 4) * a;
        }
        return 0;
    }

    /** Per output index: the first input index, the number of taps and the normalised weights. */
    private static final class Coefficients {
        final int[] start;
        final int[] count;
        final float[] weights;
        final int taps;

        private Coefficients(int[] start, int[] count, float[] weights, int taps) {
            this.start = start;
            this.count = count;
            this.weights = weights;
            this.taps = taps;
        }

        int minIndex() {
            int m = Integer.MAX_VALUE;
            for (int s : start) {
                m = Math.min(m, s);
            }
            return m;
        }

        int maxIndex() {
            int m = 0;
            for (int i = 0; i < start.length; i++) {
                m = Math.max(m, start[i] + count[i]);
            }
            return m;
        }

        static Coefficients of(int offset, int inSize, int outSize, Interpolation interpolation) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = (interpolation == Interpolation.BILINEAR ? 1.0 : 2.0) * filterScale;
            int taps = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            float[] weights = new float[outSize * taps];
            double ss = 1.0 / filterScale;
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                int lo = Math.max((int) (center - support + 0.5), 0);
                int hi = Math.min((int) (center + support + 0.5), inSize);
                int n = Math.min(hi - lo, taps);
                double total = 0;
                for (int k = 0; k < n; k++) {
                    double wk = filter(interpolation, (k + lo - center + 0.5) * ss);
                    weights[o * taps + k] = (float) wk;
                    total += wk;
                }
                if (total != 0) {
                    for (int k = 0; k < n; k++) {
                        weights[o * taps + k] = (float) (weights[o * taps + k] / total);
                    }
                }
                start[o] = lo + offset;
                count[o] = n;
            }
            return new Coefficients(start, count, weights, taps);
        }
    }
}
