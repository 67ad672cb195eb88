package org.easycv4j.models.vit;

/**
 * The MAE paper's fixed 2-D sin-cos position embedding. For width D the first D/2 channels encode the
 * column (w) coordinate and the last D/2 the row (h); each half is [sin(p·ω), cos(p·ω)] with
 * ω_i = 1 / 10000^(i / (D/4)).
 */
public final class SinCos {
    private SinCos() {}

    /**
     * The embedding of a {@code grid}×{@code grid} patch grid, row-major over patches, as (rows × dim);
     * with {@code clsToken} an all-zero first row is prepended.
     */
    public static float[] embedding(int dim, int grid, boolean clsToken) {
        if (dim % 4 != 0) {
            throw new IllegalArgumentException("sin-cos position embedding needs a width divisible by 4, got " + dim);
        }
        int quarter = dim / 4;
        int rows = grid * grid + (clsToken ? 1 : 0);
        float[] out = new float[rows * dim];
        int row = clsToken ? 1 : 0;
        for (int h = 0; h < grid; h++) {
            for (int w = 0; w < grid; w++, row++) {
                int base = row * dim;
                for (int i = 0; i < quarter; i++) {
                    double omega = 1.0 / Math.pow(10000.0, (double) i / quarter);
                    out[base + i] = (float) Math.sin(w * omega);
                    out[base + quarter + i] = (float) Math.cos(w * omega);
                    out[base + 2 * quarter + i] = (float) Math.sin(h * omega);
                    out[base + 3 * quarter + i] = (float) Math.cos(h * omega);
                }
            }
        }
        return out;
    }
}
