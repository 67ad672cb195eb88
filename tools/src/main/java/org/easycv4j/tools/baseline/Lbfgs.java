package org.easycv4j.tools.baseline;

/**
 * Limited-memory BFGS (Nocedal and Wright, algorithm 7.4: two-loop recursion) with a backtracking Armijo line
 * search, for smooth convex objectives of a few thousand variables.
 */
public final class Lbfgs {

    /** An objective: writes the gradient at {@code x} into {@code grad} and returns the value. */
    public interface Objective {
        double evaluate(double[] x, double[] grad);
    }

    /** Where it stopped. */
    public record Result(double value, double gradNorm, int iterations, boolean converged) {}

    private Lbfgs() {}

    /**
     * Minimizes from {@code x} (updated in place) until the gradient's max-norm is below {@code tol} or
     * {@code maxIter} iterations passed; {@code m} correction pairs are kept.
     */
    public static Result minimize(Objective f, double[] x, int m, int maxIter, double tol) {
        int n = x.length;
        double[][] s = new double[m][];
        double[][] y = new double[m][];
        double[] rho = new double[m];
        double[] alpha = new double[m];
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        int stored = 0;
        int next = 0;
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        for (int iter = 0; iter < maxIter; iter++) {
            double gMax = maxAbs(g);
            if (gMax < tol) {
                return new Result(fx, gMax, iter, true);
            }
            // Two-loop recursion: d = -H g.
            System.arraycopy(g, 0, d, 0, n);
            for (int k = 0; k < stored; k++) {
                int i = Math.floorMod(next - 1 - k, m);
                alpha[i] = rho[i] * dot(s[i], d);
                axpy(-alpha[i], y[i], d);
            }
            double gamma = 1.0;
            if (stored > 0) {
                int last = Math.floorMod(next - 1, m);
                gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
            }
            for (int j = 0; j < n; j++) {
                d[j] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int i = Math.floorMod(next - 1 - k, m);
                double beta = rho[i] * dot(y[i], d);
                axpy(alpha[i] - beta, s[i], d);
            }
            for (int j = 0; j < n; j++) {
                d[j] = -d[j];
            }
            double slope = dot(g, d);
            if (slope >= 0) { // not a descent direction: restart from steepest descent
                for (int j = 0; j < n; j++) {
                    d[j] = -g[j];
                }
                slope = -dot(g, g);
                stored = 0;
            }
            double step = stored == 0 && iter == 0 ? Math.min(1.0, 1.0 / Math.sqrt(-slope)) : 1.0;
            double fNew;
            int tries = 0;
            while (true) {
                for (int j = 0; j < n; j++) {
                    xNew[j] = x[j] + step * d[j];
                }
                fNew = f.evaluate(xNew, gNew);
                if (fNew <= fx + 1e-4 * step * slope || ++tries > 40) {
                    break;
                }
                step *= 0.5;
            }
            if (tries > 40) {
                return new Result(fx, gMax, iter, false);
            }
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int j = 0; j < n; j++) {
                sk[j] = xNew[j] - x[j];
                yk[j] = gNew[j] - g[j];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12) { // keeps H positive definite
                s[next] = sk;
                y[next] = yk;
                rho[next] = 1.0 / sy;
                next = (next + 1) % m;
                stored = Math.min(stored + 1, m);
            }
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
        }
        return new Result(fx, maxAbs(g), maxIter, maxAbs(g) < tol);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
