package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.schedule.CosineAnnealingParam;
import org.easycv4j.core.optim.schedule.FixedLr;
import org.easycv4j.core.optim.schedule.Warmup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParamSchedulerTest {
    private static CosineAnnealingParam cosine(String keys) {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString("param_name = weight_decay, " + keys));
        CosineAnnealingParam c = CosineAnnealingParam.fromConfig(n);
        n.finish();
        assertEquals(List.of(), n.problems().list());
        return c;
    }

    /** mmengine's closed form: eta_min + (base - eta_min) (1 + cos(pi t / T)) / 2, here rising from 0.1 to 0.4. */
    @Test
    void cosineByStepByEpochAndByRatio() {
        CosineAnnealingParam steps = cosine("eta_min = 0.4, by_epoch = false");
        for (int t = 0; t <= 8; t++) {
            assertEquals(0.4 - 0.15 * (1 + Math.cos(Math.PI * t / 8)), steps.value(0.1, t, 4, 8), 1e-15, "step " + t);
        }
        assertEquals(0.25, steps.value(0.1, 4, 4, 8), 1e-15);
        // by epoch (mmengine's default): constant through an epoch, 2 epochs of 4 steps
        CosineAnnealingParam epochs = cosine("eta_min = 0.4");
        assertEquals(0.1, epochs.value(0.1, 3, 4, 8), 1e-15);
        assertEquals(0.25, epochs.value(0.1, 4, 4, 8), 1e-15);
        assertEquals(0.25, epochs.value(0.1, 7, 4, 8), 1e-15);
        assertEquals(0.4, epochs.value(0.1, 8, 4, 8), 1e-15);
        // a ratio of the configured value, and begin / end in steps
        CosineAnnealingParam window = cosine("eta_min_ratio = 0.5, by_epoch = false, begin = 2, end = 6");
        assertEquals(0.1, window.value(0.1, 2, 4, 8), 1e-15);
        assertEquals(0.075, window.value(0.1, 4, 4, 8), 1e-15);
        assertEquals(0.05, window.value(0.1, 7, 4, 8), 1e-15);
    }

    @Test
    void theLrIsLrConfigsAndTheRestIsNamed() {
        ConfigNode n = ConfigNode.root(ConfigFactory.parseString("param_name = lr, eta_min = 0.1, eta_min_ratio = 0.5"));
        CosineAnnealingParam.fromConfig(n);
        String problems = n.problems().list().toString();
        assertTrue(problems.contains("the lr is scheduled by lr_config"), problems);
        assertTrue(problems.contains("set eta_min or eta_min_ratio, not both"), problems);
    }

    /**
     * With a zero gradient AdamW's step is its decoupled decay alone, p (1 - lr wd): at step 4 of the rising
     * cosine the decay is 0.25, so 2 becomes 2 (1 - 0.5 x 0.25) = 1.75; a parameter without decay keeps its value.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void adamWDecaysWithTheScheduledWeightDecay(boolean nativeUpdate) {
        try (NDManager m = NDManager.newBaseManager()) {
            NamedParameter w = Grads.param(m, "w", new float[] {2f}, new Shape(1));
            NamedParameter b = Grads.param(m, "b", new float[] {3f}, new Shape(1));
            ConfigNode n = ConfigNode.root(ConfigFactory.parseString("lr = 0.5, weight_decay = 0.1, "
                    + "paramwise_options = [{pattern = \"^b$\", weight_decay = 0}]"));
            AdamW opt = new AdamW(AdamWSettings.fromConfig(n));
            opt.useNativeUpdate(nativeUpdate);
            opt.init(List.of(w, b), m);
            ParamScheduler scheduler = new ParamScheduler(new FixedLr(Warmup.NONE),
                    List.of(cosine("eta_min = 0.4, by_epoch = false")), 4, 1, 2);
            scheduler.check(opt);
            assertEquals(0.5, scheduler.apply(opt, 4), 0);
            assertEquals(2.5, opt.weightDecayScale(), 1e-12);
            Grads.setGradients(m, List.of(w, b), new float[] {0f}, new float[] {0f});
            opt.step();
            assertArrayEquals(new float[] {1.75f}, w.parameter().getArray().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {3f}, b.parameter().getArray().toFloatArray(), 0f);
        }
    }

    /** Two schedules of one value would contend for it; a decay of 0 has nothing to scale. */
    @Test
    void checkRefusesTwoSchedulesOfOneValueAndAnOptimizerWithoutDecay() {
        AdamW decayed = new AdamW(new AdamWSettings(0.1, 0.9, 0.999, 1e-8, 0.05));
        ParamScheduler twice = new ParamScheduler(new FixedLr(Warmup.NONE),
                List.of(cosine("eta_min = 0.4"), cosine("eta_min_ratio = 2")), 4, 1, 2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> twice.check(decayed));
        assertEquals("param_scheduler[1] schedules weight_decay as param_scheduler[0] does: give each value one "
                + "schedule", e.getMessage());
        ParamScheduler once = new ParamScheduler(new FixedLr(Warmup.NONE), List.of(cosine("eta_min = 0.4")), 4, 1, 2);
        once.check(decayed);
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> once.check(new AdamW(new AdamWSettings(0.1, 0.9, 0.999, 1e-8, 0))));
        assertTrue(e.getMessage().startsWith("param_scheduler[0] schedules weight_decay, but the optimizer's "
                + "weight_decay is 0"), e.getMessage());
    }
}
