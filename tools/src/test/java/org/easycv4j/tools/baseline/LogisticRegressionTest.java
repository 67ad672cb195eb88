package org.easycv4j.tools.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    @Test
    void lbfgsFindsTheMinimumOfAQuadratic() {
        // f(x) = 1/2 x^T A x - b^T x with A = [[3, 1], [1, 2]], b = [1, 1]: x* = A^-1 b = [1/5, 2/5].
        Lbfgs.Result r = Lbfgs.minimize((x, g) -> {
            g[0] = 3 * x[0] + x[1] - 1;
            g[1] = x[0] + 2 * x[1] - 1;
            return 0.5 * (3 * x[0] * x[0] + 2 * x[0] * x[1] + 2 * x[1] * x[1]) - x[0] - x[1];
        }, new double[] {5, -7}, 5, 100, 1e-10);
        assertTrue(r.converged());
        double[] x = {5, -7};
        Lbfgs.minimize((v, g) -> {
            g[0] = 3 * v[0] + v[1] - 1;
            g[1] = v[0] + 2 * v[1] - 1;
            return 0.5 * (3 * v[0] * v[0] + 2 * v[0] * v[1] + 2 * v[1] * v[1]) - v[0] - v[1];
        }, x, 5, 100, 1e-10);
        assertArrayEquals(new double[] {0.2, 0.4}, x, 1e-9);
        assertEquals(-0.3, r.value(), 1e-12);
    }

    @Test
    void gradientMatchesFiniteDifferencesAndTheFitSeparatesClasses() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 60;
        double[][] x = new double[n][3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 3; j++) {
                x[i][j] = (j == y[i] ? 2.0 : 0.0) + rnd.nextGaussian() * 0.3;
            }
        }
        LogisticRegression lr = new LogisticRegression(x, y, 3, 0.01);
        double[] w = new double[lr.parameterCount()];
        for (int k = 0; k < w.length; k++) {
            w[k] = rnd.nextGaussian() * 0.5;
        }
        double[] g = new double[w.length];
        lr.evaluate(w, g);
        double[] scratch = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            double h = 1e-6;
            double keep = w[k];
            w[k] = keep + h;
            double up = lr.evaluate(w, scratch);
            w[k] = keep - h;
            double down = lr.evaluate(w, scratch);
            w[k] = keep;
            assertEquals((up - down) / (2 * h), g[k], 1e-7, "d/dw[" + k + "]");
        }
        LogisticRegression.Fit fit = lr.fit(500, 1e-8);
        assertTrue(fit.result().converged(), fit.result().toString());
        assertArrayEquals(y, lr.predict(fit.weights(), x));
    }
}
