package org.easycv4j.tools.baseline;

/**
 * Multinomial logistic regression on raw features: minimizes the mean cross-entropy plus
 * {@code l2 / 2 * |W|^2} (bias not penalized; scikit-learn's {@code C} corresponds to {@code l2 = 1 / (C n)})
 * with {@link Lbfgs}. Parameters: W (classes x features) row-major, then the biases.
 */
public final class LogisticRegression {
    private final double[][] x;
    private final int[] labels;
    private final int classes;
    private final double l2;
    private final int features;

    public LogisticRegression(double[][] x, int[] labels, int classes, double l2) {
        this.x = x;
        this.labels = labels;
        this.classes = classes;
        this.l2 = l2;
        this.features = x[0].length;
    }

    public int parameterCount() {
        return classes * features + classes;
    }

    /** The objective and its gradient. */
    public double evaluate(double[] w, double[] grad) {
        java.util.Arrays.fill(grad, 0);
        int n = x.length;
        int biases = classes * features;
        double loss = 0;
        double[] z = new double[classes];
        for (int i = 0; i < n; i++) {
            double[] xi = x[i];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double v = w[biases + c];
                int off = c * features;
                for (int j = 0; j < features; j++) {
                    v += w[off + j] * xi[j];
                }
                z[c] = v;
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                z[c] = Math.exp(z[c] - max);
                sum += z[c];
            }
            loss -= Math.log(z[labels[i]] / sum);
            for (int c = 0; c < classes; c++) {
                double p = z[c] / sum - (c == labels[i] ? 1 : 0);
                if (p == 0) {
                    continue;
                }
                int off = c * features;
                for (int j = 0; j < features; j++) {
                    grad[off + j] += p * xi[j];
                }
                grad[biases + c] += p;
            }
        }
        double reg = 0;
        for (int k = 0; k < grad.length; k++) {
            grad[k] /= n;
            if (k < biases) {
                grad[k] += l2 * w[k];
                reg += w[k] * w[k];
            }
        }
        return loss / n + 0.5 * l2 * reg;
    }

    /** Fits from zeros; returns the parameters and the optimizer's result. */
    public Fit fit(int maxIter, double tol) {
        double[] w = new double[parameterCount()];
        Lbfgs.Result r = Lbfgs.minimize(this::evaluate, w, 10, maxIter, tol);
        return new Fit(w, r);
    }

    /** Fitted parameters. */
    public record Fit(double[] weights, Lbfgs.Result result) {}

    /** The most likely class of each row of {@code data}. */
    public int[] predict(double[] w, double[][] data) {
        int biases = classes * features;
        int[] out = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double v = w[biases + c];
                for (int j = 0; j < features; j++) {
                    v += w[c * features + j] * data[i][j];
                }
                if (v > best) {
                    best = v;
                    out[i] = c;
                }
            }
        }
        return out;
    }
}
