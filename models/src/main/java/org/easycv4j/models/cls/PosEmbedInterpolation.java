package org.easycv4j.models.cls;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Resizes a (1 + g·g) × D position embedding to another patch grid: the cls row is kept, the patch rows are
 * resampled on the grid with PyTorch's bicubic interpolation ({@code align_corners=False}, A = −0.75, border
 * indices clamped), as the MAE repo's {@code interpolate_pos_embed} does.
 */
public final class PosEmbedInterpolation {
    private static final double A = -0.75;

    private PosEmbedInterpolation() {}

    /**
     * {@code src} (1, 1 + g·g, D) resized to {@code target} (1, 1 + h·h, D), or {@code null} when the shapes are
     * not two such square grids of the same width. A {@code src} of g·g rows without the cls row (EasyCV's own
     * VisionTransformer, whose forward adds no position to the cls token) gets a zero cls row first: the same
     * forward.
     */
    public static NDArray adapt(NDArray src, Shape target) {
        Shape from = src.getShape();
        if (from.dimension() != 3 || target.dimension() != 3 || from.get(0) != 1 || target.get(0) != 1
                || from.get(2) != target.get(2) || side(target.get(1) - 1) < 0) {
            return null;
        }
        int dim = (int) target.get(2);
        float[] values = src.toType(DataType.FLOAT32, false).toFloatArray();
        long rows = from.get(1);
        if (side(rows) > 0) {
            float[] withCls = new float[values.length + dim];
            System.arraycopy(values, 0, withCls, dim, values.length);
            values = withCls;
            rows++;
        } else if (side(rows - 1) < 0) {
            return null;
        }
        float[] resized = resize(values, 1, dim, side(rows - 1), side(target.get(1) - 1));
        return src.getManager().create(resized, target);
    }

    /** The side of a square grid of {@code n} patches, or -1. */
    private static int side(long n) {
        long r = Math.round(Math.sqrt(n));
        return n > 0 && r * r == n ? (int) r : -1;
    }

    /**
     * @param values row-major (extraRows + from·from) × dim values
     * @param extraRows rows kept as they are (1 for the cls token)
     */
    public static float[] resize(float[] values, int extraRows, int dim, int from, int to) {
        if (values.length != (extraRows + from * from) * dim) {
            throw new IllegalArgumentException("position embedding has " + values.length + " values, expected ("
                    + extraRows + " + " + from + "²) × " + dim);
        }
        float[] out = new float[(extraRows + to * to) * dim];
        System.arraycopy(values, 0, out, 0, extraRows * dim);
        int[][] idx = new int[to][4];
        double[][] w = new double[to][4];
        double scale = (double) from / to;
        for (int o = 0; o < to; o++) {
            double real = scale * (o + 0.5) - 0.5;
            int i0 = (int) Math.floor(real);
            double t = real - i0;
            double[] c = coefficients(t);
            for (int k = 0; k < 4; k++) {
                idx[o][k] = Math.min(Math.max(i0 - 1 + k, 0), from - 1);
                w[o][k] = c[k];
            }
        }
        int base = extraRows * dim;
        for (int oy = 0; oy < to; oy++) {
            for (int ox = 0; ox < to; ox++) {
                int dst = base + (oy * to + ox) * dim;
                for (int ky = 0; ky < 4; ky++) {
                    for (int kx = 0; kx < 4; kx++) {
                        double wt = w[oy][ky] * w[ox][kx];
                        int src = base + (idx[oy][ky] * from + idx[ox][kx]) * dim;
                        for (int d = 0; d < dim; d++) {
                            out[dst + d] += (float) (wt * values[src + d]);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double[] coefficients(double t) {
        double x1 = t + 1;
        double x2 = t;
        double x3 = 1 - t;
        double x4 = 2 - t;
        return new double[] {far(x1), near(x2), near(x3), far(x4)};
    }

    private static double near(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static double far(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
