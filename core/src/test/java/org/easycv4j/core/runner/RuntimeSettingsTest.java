package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.easycv4j.core.config.ConfigValidationException;
import org.easycv4j.core.testing.Fixtures;
import org.easycv4j.core.testing.TestComponents;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {
    private final ExperimentLoader loader = new ExperimentLoader(getClass().getClassLoader(), new TestComponents());

    private ExperimentLoader.Loaded load(String... sets) {
        return loader.load(Fixtures.config("child.conf"), List.of(sets), new Properties());
    }

    /** EasyCV's configs/base.py and the keys its tools/train.py reads, as a translated config writes them. */
    @Test
    void easyCvBaseKeysAreAcceptedAppliedOrNamedInOneNote() {
        ExperimentLoader.Loaded l = load("train_cfg={}", "test_cfg={}", "dist_params={backend=nccl}",
                "cudnn_benchmark=true", "log_level=WARNING", "load_from=null", "resume_from=null",
                "workflow=[[train, 1]]", "opencv_num_threads=0", "mp_start_method=fork",
                "evaluation={interval=1, metric=[NME]}", "oss_io_config={ak_id=x, hosts=y}",
                "export={export_neck=true}", "predict={type=ClassificationPredictor}");
        RuntimeSettings r = l.runtime();
        assertEquals(Optional.of(RuntimeSettings.LogLevel.WARNING), r.logLevel());
        assertTrue(r.cudnnBenchmark());
        assertEquals(java.util.OptionalInt.of(0), r.opencvNumThreads());
        assertEquals(List.of("workflow", "mp_start_method", "train_cfg", "test_cfg", "evaluation",
                "oss_io_config", "export", "predict"), r.ignored());
        assertEquals("EasyCV keys without effect here, ignored: workflow, mp_start_method, "
                + "train_cfg, test_cfg, evaluation, oss_io_config, export, predict "
                + "(docs/config.md, EasyCV compatibility)", r.note().orElseThrow());
        assertEquals(2, l.experiment().totalEpochs()); // the experiment itself is unchanged
        // dist_params is no longer ignored: its backend chooses how GPU gradients are averaged
        assertEquals(org.easycv4j.core.dist.DeviceCollective.NCCL, l.experiment().deviceCollective());
    }

    @Test
    void withoutEasyCvKeysThereIsNoNote() {
        RuntimeSettings r = load().runtime();
        assertEquals(Optional.empty(), r.note());
        assertEquals(Optional.empty(), r.logLevel());
        assertEquals(false, r.cudnnBenchmark());
        assertEquals(java.util.OptionalInt.empty(), r.opencvNumThreads());
    }

    @Test
    void mistypedRuntimeKeysAreProblems() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> load("log_level=WARN",
                "opencv_num_threads=-1", "mp_start_method=thread", "workflow=train", "cudnn_benchmark=maybe",
                "workflo=[]"));
        String m = e.getMessage();
        assertTrue(m.contains("log_level: expected one of [DEBUG, INFO, WARNING, ERROR, CRITICAL], got \"WARN\""), m);
        assertTrue(m.contains("opencv_num_threads: expected a number of threads >= 0, got -1"), m);
        assertTrue(m.contains("mp_start_method: expected one of [fork, spawn, forkserver]"), m);
        assertTrue(m.contains("workflow: expected a list"), m);
        assertTrue(m.contains("cudnn_benchmark: expected"), m);
        assertTrue(m.contains("workflo: unknown key; did you mean \"workflow\"?"), m);
        assertEquals(6, e.problems().size(), m);
    }
}
