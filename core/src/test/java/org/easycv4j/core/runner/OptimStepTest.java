package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.GradientOps;
import org.easycv4j.core.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OptimStepTest {

    /** A parameter w with gradient {@code grad}: loss = sum(w * grad). */
    private static NamedParameter param(NDManager m, float[] value, float[] grad) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        NDArray w = m.create(value);
        p.setArray(w);
        w.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(w.mul(m.create(grad)).sum());
        }
        return new NamedParameter("w", p);
    }

    @Test
    void clipsToTheGlobalNormThenStepsAndZeroesGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter a = param(m, new float[] {1, 1}, new float[] {3, 0});
            NamedParameter b = param(m, new float[] {1}, new float[] {4});
            OptimStep step = new OptimStep(List.of(a, b), sgd(m, a, b), 1.0, 3);
            double norm = step.apply(m);
            assertEquals(5.0, norm, 1e-6, "sqrt(3^2 + 4^2)");
            // clipped gradient = g / 5: w - lr * g/5
            assertArrayEquals(new float[] {1 - 0.6f, 1}, a.parameter().getArray().toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {1 - 0.8f}, b.parameter().getArray().toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0, 0}, a.parameter().getArray().getGradient().toFloatArray());
        }
    }

    @Test
    void nonFiniteGradientsSkipTheStepAndAbortAfterTheLimit() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter a = param(m, new float[] {1, 2}, new float[] {Float.NaN, 1});
            OptimStep step = new OptimStep(List.of(a), sgd(m, a), 0, 2);
            assertEquals(Double.NaN, step.apply(m));
            assertArrayEquals(new float[] {1, 2}, a.parameter().getArray().toFloatArray(), "parameters untouched");
            assertArrayEquals(new float[] {0, 0}, a.parameter().getArray().getGradient().toFloatArray(),
                    "a NaN gradient is cleared, not kept");
            a.parameter().getArray().getGradient().set(new NDIndex("..."), Float.POSITIVE_INFINITY);
            assertThrows(NonFiniteLossException.class, () -> step.apply(m));
            assertEquals(2, step.skipped());
        }
    }

    /** Rank 1 of 2: its gradients averaged with the other rank's zeros (the collective leaves them). */
    private static final class SecondRank implements Collective {
        @Override
        public int rank() {
            return 1;
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public int localRank() {
            return 1;
        }

        @Override
        public void allReduceSumFloats(ByteBuffer b) {}

        @Override
        public void allReduceSumDoubles(double[] values) {}

        @Override
        public void broadcast(ByteBuffer b, int root) {}

        @Override
        public void barrier() {}

        @Override
        public void abort(int code) {}

        @Override
        public void close() {}
    }

    /** A skipped step is the same decision on every rank (the global gradient): rank 0 alone logs it. */
    @Test
    void onlyRankZeroLogsASkippedStep() {
        Logger logger = (Logger) LoggerFactory.getLogger(OptimStep.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        logger.addAppender(seen);
        try (NDManager m = NDManager.newBaseManager(); GradientOps ops = GradientOps.forEngine(m)) {
            NamedParameter a = param(m, new float[] {1, 2}, new float[] {Float.NaN, 1});
            ReplicaSync rank1 = new ReplicaSync(new SecondRank(), List.of(a), ops);
            OptimStep step = new OptimStep(List.of(a), sgd(m, a), Optional.empty(), Optional.of(rank1), 0, 5);
            assertEquals(Double.NaN, step.apply(m));
            assertEquals(1, step.skipped());
            assertEquals(List.of(), seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList(), "rank 1");

            NamedParameter b = param(m, new float[] {1, 2}, new float[] {Float.NaN, 1});
            OptimStep alone = new OptimStep(List.of(b), sgd(m, b), 0, 5);
            assertEquals(Double.NaN, alone.apply(m));
            assertEquals(1, seen.list.size(), "one process is rank 0");
            assertTrue(seen.list.get(0).getFormattedMessage().startsWith("non-finite gradients in [w]: step skipped"),
                    seen.list.get(0).getFormattedMessage());
        } finally {
            logger.detachAppender(seen);
        }
    }

    /** The same guard with AdamW's fused one-call path, where the skip happens on the device. */
    @Test
    void fusedAdamWSkipsNonFiniteStepsClearsTheGradientsAndCountsOnlyRealSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter a = param(m, new float[] {1, 2}, new float[] {Float.NaN, 1});
            AdamW adamw = new AdamW(
                    new AdamWSettings(0.1, 0.9, 0.999, 1e-8, 0.0));
            adamw.init(List.of(a), m);
            OptimStep step = new OptimStep(List.of(a), adamw, 1.0, 3);
            assertEquals(Double.NaN, step.apply(m));
            assertArrayEquals(new float[] {1, 2}, a.parameter().getArray().toFloatArray(), "parameters untouched");
            assertArrayEquals(new float[] {0, 0}, a.parameter().getArray().getGradient().toFloatArray());
            assertEquals(0, adamw.steps());
            assertEquals(1, step.skipped());
            // A finite step: norm 5 clips to 1; Adam's first step moves each weight by lr against the sign.
            a.parameter().getArray().getGradient().set(new NDIndex("..."),
                    m.create(new float[] {3, -4}));
            assertEquals(5.0, step.apply(m), 1e-6);
            assertArrayEquals(new float[] {0.9f, 2.1f}, a.parameter().getArray().toFloatArray(), 1e-6f);
            assertEquals(1, adamw.steps());
        }
    }

    private static Sgd sgd(NDManager m, NamedParameter... params) {
        Sgd s = new Sgd(new Sgd.Settings(1.0, 0, 0, false));
        s.init(List.of(params), m);
        return s;
    }

    @Test
    void sgdMomentumAndWeightDecayMatchPyTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter a = param(m, new float[] {1}, new float[] {2});
            Sgd s = new Sgd(new Sgd.Settings(0.1, 0.9, 0.5, false));
            s.init(List.of(a), m);
            OptimStep step = new OptimStep(List.of(a), s, 0, 2);
            // step 1: d = g + wd*w = 2.5; buf = d; w = 1 - 0.1*2.5 = 0.75
            step.apply(m);
            assertArrayEquals(new float[] {0.75f}, a.parameter().getArray().toFloatArray(), 1e-6f);
            // step 2 with the same raw gradient 2: d = 2 + 0.5*0.75 = 2.375; buf = 0.9*2.5 + 2.375 = 4.625
            a.parameter().getArray().getGradient().set(new NDIndex("..."), 2f);
            step.apply(m);
            assertArrayEquals(new float[] {0.75f - 0.4625f}, a.parameter().getArray().toFloatArray(), 1e-6f);
        }
    }
}
