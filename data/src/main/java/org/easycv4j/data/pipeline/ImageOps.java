package org.easycv4j.data.pipeline;

import java.util.Arrays;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.Interpolation;
import org.easycv4j.data.image.Resampler;

/**
 * PIL's ImageOps / ImageEnhance / affine transform on 8-bit images, as timm's RandAugment calls them.
 * Luma uses PIL's integer weights (19595, 38470, 7471) / 65536.
 */
public final class ImageOps {
    private ImageOps() {}

    static ByteImage lut(ByteImage img, int[] lut) {
        byte[] in = img.pixels();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (byte) lut[in[i] & 0xFF];
        }
        return new ByteImage(img.width(), img.height(), img.channels(), out);
    }

    /** A look-up table per channel. */
    static ByteImage lutPerChannel(ByteImage img, int[][] luts) {
        byte[] in = img.pixels();
        byte[] out = new byte[in.length];
        int c = img.channels();
        for (int i = 0; i < in.length; i++) {
            out[i] = (byte) luts[i % c][in[i] & 0xFF];
        }
        return new ByteImage(img.width(), img.height(), c, out);
    }

    static int[][] histograms(ByteImage img) {
        int c = img.channels();
        int[][] h = new int[c][256];
        byte[] in = img.pixels();
        for (int i = 0; i < in.length; i++) {
            h[i % c][in[i] & 0xFF]++;
        }
        return h;
    }

    public static ByteImage invert(ByteImage img) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = 255 - i;
        }
        return lut(img, lut);
    }

    /** Keeps the {@code bits} most significant bits (0 bits: black). */
    public static ByteImage posterize(ByteImage img, int bits) {
        if (bits >= 8) {
            return img;
        }
        int mask = ~((1 << (8 - Math.max(bits, 0))) - 1) & 0xFF;
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i & mask;
        }
        return lut(img, lut);
    }

    /** Inverts every value >= threshold. */
    public static ByteImage solarize(ByteImage img, int threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i < threshold ? i : 255 - i;
        }
        return lut(img, lut);
    }

    /** Adds {@code add} to values below the threshold (clipped at 255). */
    public static ByteImage solarizeAdd(ByteImage img, int add, int threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i < threshold ? Math.min(255, i + add) : i;
        }
        return lut(img, lut);
    }

    /** PIL's autocontrast with no cutoff: each channel stretched to [0, 255]. */
    public static ByteImage autoContrast(ByteImage img) {
        int[][] h = histograms(img);
        int[][] luts = new int[h.length][256];
        for (int c = 0; c < h.length; c++) {
            int lo = 0;
            while (lo < 256 && h[c][lo] == 0) {
                lo++;
            }
            int hi = 255;
            while (hi >= 0 && h[c][hi] == 0) {
                hi--;
            }
            if (hi <= lo) {
                for (int i = 0; i < 256; i++) {
                    luts[c][i] = i;
                }
            } else {
                double scale = 255.0 / (hi - lo);
                double offset = -lo * scale;
                for (int i = 0; i < 256; i++) {
                    int v = (int) (i * scale + offset);
                    luts[c][i] = Math.max(0, Math.min(255, v));
                }
            }
        }
        return lutPerChannel(img, luts);
    }

    /** PIL's equalize, per channel. */
    public static ByteImage equalize(ByteImage img) {
        int[][] h = histograms(img);
        int[][] luts = new int[h.length][256];
        for (int c = 0; c < h.length; c++) {
            int nonZero = 0;
            int total = 0;
            int last = 0;
            for (int i = 0; i < 256; i++) {
                if (h[c][i] != 0) {
                    nonZero++;
                    total += h[c][i];
                    last = h[c][i];
                }
            }
            int step = nonZero <= 1 ? 0 : (total - last) / 255;
            if (step == 0) {
                for (int i = 0; i < 256; i++) {
                    luts[c][i] = i;
                }
            } else {
                int n = step / 2;
                for (int i = 0; i < 256; i++) {
                    luts[c][i] = Math.min(255, n / step);
                    n += h[c][i];
                }
            }
        }
        return lutPerChannel(img, luts);
    }

    static int luma(byte[] p, int i, int channels) {
        if (channels == 1) {
            return p[i] & 0xFF;
        }
        return ((p[i] & 0xFF) * 19595 + (p[i + 1] & 0xFF) * 38470 + (p[i + 2] & 0xFF) * 7471 + 0x8000) >> 16;
    }

    /**
     * PIL's {@code convert("L")} (the integer luma of {@link #luma}), as torchvision's Grayscale: one channel, or
     * the grey value repeated in three with {@code channels = 3}.
     */
    public static ByteImage grayscale(ByteImage img, int channels) {
        int c = img.channels();
        byte[] in = img.pixels();
        byte[] out = new byte[img.width() * img.height() * channels];
        for (int i = 0, o = 0; i < in.length; i += c, o += channels) {
            byte l = (byte) luma(in, i, c);
            for (int k = 0; k < channels; k++) {
                out[o + k] = l;
            }
        }
        return new ByteImage(img.width(), img.height(), channels, out);
    }

    /**
     * PIL's {@code ImageFilter.GaussianBlur(radius)}: not a sampled Gaussian but three passes of an extended box
     * filter along x, then three along y (Gwosdek et al., as Pillow's BoxBlur.c), each pass rounded to 8 bits in
     * Pillow's 24-bit fixed point, edges extended. The box radius r = l + a has an integer part l and a fraction
     * a weighting the two pixels at distance l + 1, so that the variance of the three passes is radius².
     */
    public static ByteImage gaussianBlur(ByteImage img, double radius) {
        double box = boxRadius(radius, 3);
        if (box == 0) {
            return img;
        }
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        int[] px = new int[img.pixels().length];
        for (int i = 0; i < px.length; i++) {
            px[i] = img.pixels()[i] & 0xFF;
        }
        int[] line = new int[Math.max(w, h)];
        int[] out = new int[line.length];
        for (int pass = 0; pass < 3; pass++) {
            for (int y = 0; y < h; y++) {
                for (int ch = 0; ch < c; ch++) {
                    int base = y * w * c + ch;
                    blurLine(px, base, c, w, box, line, out);
                }
            }
        }
        for (int pass = 0; pass < 3; pass++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    blurLine(px, x * c + ch, w * c, h, box, line, out);
                }
            }
        }
        byte[] bytes = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            bytes[i] = (byte) px[i];
        }
        return new ByteImage(w, h, c, bytes);
    }

    /** Pillow's {@code _gaussian_blur_radius}: the fractional box radius whose n passes have variance radius². */
    static double boxRadius(double radius, int passes) {
        // Pillow computes in float; so does this, so that l and a come out as its do.
        float sigma2 = (float) (radius * radius / passes);
        float boxLength = (float) Math.sqrt(12.0 * sigma2 + 1.0);
        float l = (float) Math.floor((boxLength - 1.0) / 2.0);
        float a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return l + a;
    }

    /**
     * One extended box pass over the {@code n} values at {@code base + k * stride}, in place: the sum of the
     * 2l + 1 nearest (edges repeated) times 2^24 / (2r + 1), plus the two at distance l + 1 times Pillow's
     * fractional weight, rounded.
     */
    private static void blurLine(int[] px, int base, int stride, int n, double r, int[] line, int[] out) {
        int l = (int) r;
        long ww = (long) ((1 << 24) / (float) (r * 2 + 1));
        long fw = ((1L << 24) - (2L * l + 1) * ww) / 2;
        int last = n - 1;
        for (int k = 0; k < n; k++) {
            line[k] = px[base + k * stride];
        }
        long acc = 0;
        for (int k = -l; k <= l; k++) {
            acc += line[Math.max(0, Math.min(last, k))];
        }
        for (int x = 0; x < n; x++) {
            long far = line[Math.max(0, Math.min(last, x - l - 1))] + line[Math.min(last, x + l + 1)];
            out[x] = (int) ((acc * ww + far * fw + (1 << 23)) >> 24);
            acc += line[Math.min(last, x + l + 1)] - line[Math.max(0, Math.min(last, x - l))];
        }
        for (int x = 0; x < n; x++) {
            px[base + x * stride] = out[x];
        }
    }

    /** PIL's Image.blend(degenerate, img, factor): degenerate + factor * (img - degenerate), truncated and clipped. */
    static ByteImage blend(ByteImage degenerate, ByteImage img, double factor) {
        byte[] a = degenerate.pixels();
        byte[] b = img.pixels();
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            int va = a[i] & 0xFF;
            double v = va + factor * ((b[i] & 0xFF) - va);
            int r = (int) v;
            out[i] = (byte) (r < 0 ? 0 : Math.min(r, 255));
        }
        return new ByteImage(img.width(), img.height(), img.channels(), out);
    }

    /** ImageEnhance.Color: blend with the grey version. */
    public static ByteImage color(ByteImage img, double factor) {
        int c = img.channels();
        byte[] in = img.pixels();
        byte[] grey = new byte[in.length];
        for (int i = 0; i < in.length; i += c) {
            byte l = (byte) luma(in, i, c);
            for (int k = 0; k < c; k++) {
                grey[i + k] = l;
            }
        }
        return blend(new ByteImage(img.width(), img.height(), c, grey), img, factor);
    }

    /** ImageEnhance.Contrast: blend with the mean grey level. */
    public static ByteImage contrast(ByteImage img, double factor) {
        int c = img.channels();
        byte[] in = img.pixels();
        long sum = 0;
        for (int i = 0; i < in.length; i += c) {
            sum += luma(in, i, c);
        }
        int mean = (int) ((double) sum / (in.length / c) + 0.5);
        byte[] solid = new byte[in.length];
        Arrays.fill(solid, (byte) mean);
        return blend(new ByteImage(img.width(), img.height(), c, solid), img, factor);
    }

    /** ImageEnhance.Brightness: blend with black. */
    public static ByteImage brightness(ByteImage img, double factor) {
        return blend(ByteImage.blank(img.width(), img.height(), img.channels()), img, factor);
    }

    /** ImageEnhance.Sharpness: blend with PIL's SMOOTH-filtered image (3x3 kernel, centre 5, sum 13; borders kept). */
    public static ByteImage sharpness(ByteImage img, double factor) {
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        byte[] in = img.pixels();
        byte[] smooth = in.clone();
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                for (int k = 0; k < c; k++) {
                    int s = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int v = in[((y + dy) * w + x + dx) * c + k] & 0xFF;
                            s += (dx == 0 && dy == 0) ? 5 * v : v;
                        }
                    }
                    smooth[(y * w + x) * c + k] = (byte) Math.min(255, (int) (s / 13.0 + 0.5));
                }
            }
        }
        return blend(new ByteImage(w, h, c, smooth), img, factor);
    }

    /**
     * PIL's affine transform: output pixel centre (x, y) samples the input at
     * (a x + b y + c, d x + e y + f); outside the input the fill colour is used.
     */
    public static ByteImage affine(ByteImage img, double[] m, Interpolation interpolation, int[] fill) {
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        byte[] in = img.pixels();
        byte[] out = new byte[in.length];
        double[] acc = new double[c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double xc = x + 0.5;
                double yc = y + 0.5;
                double u = m[0] * xc + m[1] * yc + m[2];
                double v = m[3] * xc + m[4] * yc + m[5];
                int o = (y * w + x) * c;
                if (u < 0 || v < 0 || u >= w || v >= h) {
                    for (int k = 0; k < c; k++) {
                        out[o + k] = (byte) fill[Math.min(k, fill.length - 1)];
                    }
                    continue;
                }
                if (interpolation == Interpolation.NEAREST) {
                    System.arraycopy(in, ((int) v * w + (int) u) * c, out, o, c);
                    continue;
                }
                int support = interpolation == Interpolation.BILINEAR ? 1 : 2;
                double sx = u - 0.5;
                double sy = v - 0.5;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                Arrays.fill(acc, 0);
                double wsum = 0;
                for (int j = y0 - support + 1; j <= y0 + support; j++) {
                    double wy = Resampler.filterValue(interpolation, sy - j);
                    if (wy == 0) {
                        continue;
                    }
                    int jj = Math.max(0, Math.min(h - 1, j));
                    for (int i = x0 - support + 1; i <= x0 + support; i++) {
                        double wx = Resampler.filterValue(interpolation, sx - i);
                        if (wx == 0) {
                            continue;
                        }
                        int ii = Math.max(0, Math.min(w - 1, i));
                        double wk = wx * wy;
                        wsum += wk;
                        int p = (jj * w + ii) * c;
                        for (int k = 0; k < c; k++) {
                            acc[k] += wk * (in[p + k] & 0xFF);
                        }
                    }
                }
                for (int k = 0; k < c; k++) {
                    long r = Math.round(acc[k] / wsum);
                    out[o + k] = (byte) (r < 0 ? 0 : Math.min(r, 255));
                }
            }
        }
        return new ByteImage(w, h, c, out);
    }

    /** PIL's Image.rotate(degrees) about the centre, counter-clockwise for positive angles, same size. */
    public static ByteImage rotate(ByteImage img, double degrees, Interpolation interpolation, int[] fill) {
        double angle = -Math.toRadians(degrees % 360.0);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double[] m = {cos, sin, 0, -sin, cos, 0};
        double cx = img.width() / 2.0;
        double cy = img.height() / 2.0;
        m[2] = m[0] * -cx + m[1] * -cy + cx;
        m[5] = m[3] * -cx + m[4] * -cy + cy;
        return affine(img, m, interpolation, fill);
    }
}
