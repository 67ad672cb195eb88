package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.CheckpointState;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.NamedParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lamb against a plain double-precision transcription of EasyCV's {@code lamb.py} step (below), written
 * independently of the array code: global clipping, moments, bias correction, decay, nested-where trust ratio.
 */
class LambTest {

    /** EasyCV's Lamb step on plain arrays: {@code ps[i]}, {@code gs[i]}, state {@code ms}, {@code vs}. */
    private static void referenceStep(double[][] ps, double[][] gs, double[][] ms, double[][] vs, double[] wds,
            double lr, int step, double b1, double b2, double eps, double maxNorm, boolean trustClip) {
        double sq = 0;
        for (double[] g : gs) {
            for (double x : g) {
                sq += x * x;
            }
        }
        double norm = Math.sqrt(sq);
        double clip = norm > maxNorm ? norm / maxNorm : 1.0;
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < ps.length; i++) {
            double[] p = ps[i];
            double[] u = new double[p.length];
            for (int k = 0; k < p.length; k++) {
                double g = gs[i][k] / clip;
                ms[i][k] = b1 * ms[i][k] + (1 - b1) * g;
                vs[i][k] = b2 * vs[i][k] + (1 - b2) * g * g;
                u[k] = (ms[i][k] / bc1) / (Math.sqrt(vs[i][k]) / Math.sqrt(bc2) + eps) + wds[i] * p[k];
            }
            double ratio = 1;
            if (wds[i] != 0) {
                double wn = 0;
                double un = 0;
                for (int k = 0; k < p.length; k++) {
                    wn += p[k] * p[k];
                    un += u[k] * u[k];
                }
                wn = Math.sqrt(wn);
                un = Math.sqrt(un);
                ratio = wn > 0 ? (un > 0 ? wn / un : 1) : 1;
                if (trustClip) {
                    ratio = Math.min(ratio, 1);
                }
            }
            for (int k = 0; k < p.length; k++) {
                p[k] -= lr * ratio * u[k];
            }
        }
    }

    private static float[] f(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static Lamb lamb(String config) {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString(config));
        Lamb.Settings s = Lamb.Settings.fromConfig(n);
        assertEquals(List.of(), n.problems().list());
        return new Lamb(s, s.lr());
    }

    private static final double[][] GRADS = {
        {0.8, -1.2, 0.5, 2.0, -0.3, 0.1}, {0.4, -0.6}, {1.5, -0.5, 0.25, 1.0},
        {-0.2, 0.9, 0.3, -1.1, 0.6, 0.05}, {-0.1, 0.3}, {0.2, 0.7, -0.4, -0.9},
        {0.05, -0.02, 0.3, 0.0, 0.2, -0.4}, {0.01, 0.02}, {-0.3, 0.1, 0.2, -0.05},
    };

    /**
     * Three steps, the first two with the global norm above max_grad_norm (clipping active), the third below;
     * "head.bias" is exempt from decay (and so from the trust ratio) by paramwise_options, "proj.weight" starts
     * at zero (trust ratio 1 by the nested where).
     */
    @Test
    void threeStepsMatchTheFormula() {
        double[][] ps = {{0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, {0.1, -0.2}, {0, 0, 0, 0}};
        double[][] ms = {new double[6], new double[2], new double[4]};
        double[][] vs = {new double[6], new double[2], new double[4]};
        double[] wds = {0.05, 0.0, 0.05};
        try (NDManager m = NDManager.newBaseManager()) {
            List<NamedParameter> params = List.of(
                    Grads.param(m, "head.weight", f(ps[0]), new Shape(2, 3)),
                    Grads.param(m, "head.bias", f(ps[1]), new Shape(2)),
                    Grads.param(m, "proj.weight", f(ps[2]), new Shape(2, 2)));
            Lamb opt = lamb("lr = 0.003, weight_decay = 0.05, eps = 1e-8, max_grad_norm = 1.0,\n"
                    + "paramwise_options { bias { weight_decay = 0 } }");
            opt.init(params, m);
            double[] lrs = {0.5, 0.25, 0.1};
            for (int step = 1; step <= 3; step++) {
                double[][] gs = {GRADS[3 * step - 3], GRADS[3 * step - 2], GRADS[3 * step - 1]};
                Grads.setGradients(m, params, f(gs[0]), f(gs[1]), f(gs[2]));
                opt.setLr(lrs[step - 1]);
                opt.step();
                referenceStep(ps, gs, ms, vs, wds, lrs[step - 1], step, 0.9, 0.999, 1e-8, 1.0, false);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(f(ps[i]), params.get(i).parameter().getArray().toFloatArray(), 2e-6f,
                            "step " + step + ", " + params.get(i).name());
                }
            }
            assertArrayEquals(f(ms[0]), opt.state().get("exp_avg.head.weight").toFloatArray(), 1e-6f);
            assertArrayEquals(f(vs[2]), opt.state().get("exp_avg_sq.proj.weight").toFloatArray(), 1e-7f);
            assertEquals(3, opt.steps());
        }
    }

    /**
     * Step 1 by hand, one parameter p = [3, 4] (|p| = 5), g = [0.6, 0.8] (|g| = 1: not clipped), wd 0.1, eps ~ 0:
     * m̂ = g, v̂ = g², so the Adam direction is [1, 1]; u = [1.3, 1.4], |u| = sqrt(3.65); the trust ratio is
     * 5 / sqrt(3.65) = 2.617, capped at 1 by trust_clip; lr 0.1: p = [3 - 0.13, 4 - 0.14].
     */
    @Test
    void trustClipCapsTheRatioAtOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter p = Grads.param(m, "w", new float[] {3, 4}, new Shape(2));
            Lamb opt = lamb("lr = 0.1, weight_decay = 0.1, eps = 1e-12, trust_clip = true");
            opt.init(List.of(p), m);
            Grads.setGradients(m, List.of(p), new float[] {0.6f, 0.8f});
            opt.setLr(0.1);
            opt.step();
            assertArrayEquals(new float[] {2.87f, 3.86f}, p.parameter().getArray().toFloatArray(), 1e-5f);

            NamedParameter q = Grads.param(m, "w", new float[] {3, 4}, new Shape(2));
            Lamb unclipped = lamb("lr = 0.1, weight_decay = 0.1, eps = 1e-12");
            unclipped.init(List.of(q), m);
            Grads.setGradients(m, List.of(q), new float[] {0.6f, 0.8f});
            unclipped.setLr(0.1);
            unclipped.step();
            double r = 5 / Math.sqrt(3.65);
            assertArrayEquals(new float[] {(float) (3 - 0.1 * r * 1.3), (float) (4 - 0.1 * r * 1.4)},
                    q.parameter().getArray().toFloatArray(), 1e-5f);
        }
    }

    /** Two steps, a checkpoint, a fresh optimizer loaded from it: its third step equals the uninterrupted one's. */
    @Test
    void stateRoundTripsThroughACheckpoint(@TempDir Path dir) throws Exception {
        String config = "lr = 0.01, weight_decay = 0.05";
        try (NDManager m = NDManager.newBaseManager()) {
            List<NamedParameter> a = List.of(Grads.param(m, "w", new float[] {1, -2, 3, 0.5f}, new Shape(2, 2)),
                    Grads.param(m, "b", new float[] {0.2f, -0.1f}, new Shape(2)));
            Lamb first = lamb(config);
            first.init(a, m);
            for (int step = 0; step < 2; step++) {
                Grads.setGradients(m, a, f(GRADS[2 + step]), f(GRADS[1 + step]));
                first.setLr(0.01);
                first.step();
            }
            Path ckpt = dir.resolve("epoch_1");
            Checkpoints.save(ckpt, a, first, new CheckpointState(1, 2, first.steps(), 0, Map.of()), "", "{}");

            List<NamedParameter> b = List.of(
                    Grads.param(m, "w", a.get(0).parameter().getArray().toFloatArray(), new Shape(2, 2)),
                    Grads.param(m, "b", a.get(1).parameter().getArray().toFloatArray(), new Shape(2)));
            Lamb resumed = lamb(config);
            resumed.init(b, m);
            Checkpoints.loadOptimizer(ckpt, resumed, 2, m);
            assertEquals(2, resumed.steps());
            assertArrayEquals(first.state().get("exp_avg_sq.w").toFloatArray(),
                    resumed.state().get("exp_avg_sq.w").toFloatArray());

            Grads.setGradients(m, a, f(GRADS[6]), f(GRADS[7]));
            first.setLr(0.01);
            first.step();
            Grads.setGradients(m, b, f(GRADS[6]), f(GRADS[7]));
            resumed.setLr(0.01);
            resumed.step();
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(a.get(i).parameter().getArray().toFloatArray(),
                        b.get(i).parameter().getArray().toFloatArray());
            }
        }
    }

    @Test
    void registeredUnderEasyCvsNameWithItsDefaults() {
        Optimizer opt = AdamWTest.registered("type = Lamb, lr = 0.003", 256);
        assertInstanceOf(Lamb.class, opt);
        assertEquals(0.003, opt.baseLr(), 1e-15);
        Lamb.Settings s = Lamb.Settings.fromConfig(ConfigNode.root(ConfigFactory.parseString("lr = 0.003")));
        assertEquals(1e-6, s.eps());
        assertEquals(0.01, s.weightDecay());
        assertEquals(1.0, s.maxGradNorm());
        assertEquals(0.9, s.beta1());
        assertEquals(0.999, s.beta2());

        ConfigNode bad = ConfigNode.root(ConfigFactory.parseString("lr = 0.003, max_grad_norm = -1"));
        Lamb.Settings.fromConfig(bad);
        assertEquals(1, bad.problems().list().size(), bad.problems().list().toString());
    }
}
