package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import org.easycv4j.core.config.ConfigProblem;
import org.easycv4j.core.config.ConfigValidationException;
import org.easycv4j.core.model.MixedPrecision;
import org.easycv4j.core.optim.LossScaleSettings;
import org.easycv4j.core.testing.Fixtures;
import org.easycv4j.core.testing.TestComponents;
import org.junit.jupiter.api.Test;

class ExperimentTest {
    private final ExperimentLoader loader = new ExperimentLoader(getClass().getClassLoader(), new TestComponents());

    @Test
    void validConfigParsesIntoTypedSettings() {
        Experiment e = loader.load(Fixtures.config("child.conf"), List.of(), new Properties()).experiment();
        assertEquals("TestLinear", e.model().type());
        assertEquals(16, e.data().imgsPerGpu());
        assertEquals(2, e.totalEpochs());
        assertEquals("SGD", e.optimizer().type());
        assertEquals("work_dirs/child", e.workDir().toString());
        assertEquals(1, e.optimizerConfig().updateInterval());
        assertEquals(1, e.log().hooks().size(), "reference.conf's default logger");
    }

    @Test
    void distParamsBackendChoosesTheDeviceCollectiveAsEasyCvWritesIt() {
        assertEquals(org.easycv4j.core.dist.DeviceCollective.AUTO,
                loader.load(Fixtures.config("child.conf"), List.of(), new Properties()).experiment().deviceCollective());
        assertEquals(org.easycv4j.core.dist.DeviceCollective.NCCL, loader.load(Fixtures.config("child.conf"),
                List.of("dist_params={backend=nccl}"), new Properties()).experiment().deviceCollective());
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> loader.load(
                Fixtures.config("child.conf"), List.of("dist_params.backend=ncl"), new Properties()));
        assertEquals("dist_params.backend", e.problems().get(0).path());
        assertEquals("expected one of [auto, nccl, host], got \"ncl\"; did you mean \"nccl\"?",
                e.problems().get(0).message());
    }

    @Test
    void threeMistakesAreReportedTogetherWithFileAndLine() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> loader.load(Fixtures.config("error_three.conf"), List.of(), new Properties()));
        List<ConfigProblem> ps = e.problems();
        assertEquals(3, ps.size(), e.getMessage());
        assertEquals("model.in_featurs", ps.get(0).path());
        assertTrue(ps.get(0).location().endsWith("error_three.conf:4"), ps.get(0).location());
        assertTrue(ps.get(0).message().startsWith("unknown key; did you mean \"in_features\"?"), ps.get(0).message());
        assertEquals("optimizer.lr", ps.get(1).path());
        assertTrue(ps.get(1).location().endsWith("error_three.conf:7"), ps.get(1).location());
        assertEquals("expected a number, got string \"fast\"", ps.get(1).message());
        assertEquals("data.train.type", ps.get(2).path());
        assertTrue(ps.get(2).location().endsWith("error_three.conf:9"), ps.get(2).location());
        assertEquals("unknown dataset \"TestRegresion\"; known: [TestRegression]; did you mean \"TestRegression\"?",
                ps.get(2).message());
    }

    @Test
    void missingRequiredKeysNameTheObjectTheyBelongIn() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> loader.load(Fixtures.config("error_missing.conf"), List.of(), new Properties()));
        List<String> messages = e.problems().stream().map(ConfigProblem::toString).toList();
        assertEquals(2, messages.size(), e.getMessage());
        assertTrue(messages.stream().anyMatch(m -> m.contains("error_missing.conf:3: optimizer.lr: missing required key")),
                e.getMessage());
        assertTrue(messages.stream().anyMatch(m -> m.contains("error_missing.conf:5: model.type: missing required key")),
                e.getMessage());
    }

    @Test
    void lowerCaseLrPoliciesAreTitleCasedAsMmcvDoesAndOtherSpellingsAreNot() {
        Experiment step = load("lr_config.policy=step", "lr_config.step=[1]");
        assertEquals("Step", step.lrSchedule().type());
        assertEquals("Poly", load("lr_config.policy=poly").lrSchedule().type());
        assertEquals("Fixed", load("lr_config.policy=fixed").lrSchedule().type());
        assertEquals("CosineAnnealing", load("lr_config.policy=CosineAnnealing").lrSchedule().type());
        // mmcv turns "cosineannealing" into "Cosineannealing", which it does not know either.
        ConfigValidationException bad = assertThrows(ConfigValidationException.class,
                () -> load("lr_config.policy=cosineannealing"));
        assertTrue(bad.getMessage().contains("unknown lr schedule \"Cosineannealing\""), bad.getMessage());
    }

    private Experiment load(String... overrides) {
        return loader.load(Fixtures.config("child.conf"), List.of(overrides), new Properties()).experiment();
    }

    @Test
    void runDefaultsComeFromReferenceConfAndEnumsFromLowerCaseWords() {
        Experiment e = load();
        assertEquals(5, e.optimizerConfig().maxNonFiniteSteps());
        assertEquals(0.0, e.optimizerConfig().gradClipMaxNorm());
        assertEquals(new Experiment.CheckpointConfig(1, -1), e.checkpoint());
        assertEquals(1, e.eval().interval());
        assertEquals(false, e.eval().initial());
        assertTrue(e.eval().saveBest().isEmpty());
        assertEquals(10, e.log().interval());
        assertEquals(ProgressHook.Setting.AUTO, e.progress());
        Experiment set = load("optimizer_config.max_nonfinite_steps=2", "checkpoint_config.max_keep_ckpts=3",
                "progress=log", "eval_config.save_best=null");
        assertEquals(2, set.optimizerConfig().maxNonFiniteSteps());
        assertEquals(1, set.optimizerConfig().updateInterval(), "the other defaults stay");
        assertEquals(new Experiment.CheckpointConfig(1, 3), set.checkpoint());
        assertEquals(ProgressHook.Setting.LOG, set.progress());
        assertTrue(set.eval().saveBest().isEmpty());
        ConfigValidationException bad = assertThrows(ConfigValidationException.class, () -> load("progress=bra"));
        assertTrue(bad.getMessage().contains("expected one of [auto, bar, log, off], got \"bra\""), bad.getMessage());
    }

    /** The loops come from reference.conf by type like any component; a misspelt val loop names its key. */
    @Test
    void theTrainAndValLoopsAreComponentsWithDefaultsFromReferenceConf() {
        Experiment e = load();
        assertEquals("EpochBasedTrainLoop", e.trainLoop().type());
        assertEquals("ValLoop", e.valLoop().type());
        ConfigValidationException bad = assertThrows(ConfigValidationException.class,
                () -> load("val_loop.type=ValLop"));
        assertTrue(bad.getMessage().contains("val_loop"), bad.getMessage());
        assertTrue(bad.getMessage().contains("unknown val loop \"ValLop\""), bad.getMessage());
        assertTrue(bad.getMessage().contains("did you mean \"ValLoop\""), bad.getMessage());
    }

    /** EasyCV's data.use_repeated_augment_sampler: off by reference.conf, read as written, a non-boolean named. */
    @Test
    void repeatedAugmentationIsOffUnlessSet() {
        assertEquals(false, load().data().repeatedAugment());
        assertEquals(true, load("data.use_repeated_augment_sampler=true").data().repeatedAugment());
        ConfigValidationException bad = assertThrows(ConfigValidationException.class,
                () -> load("data.use_repeated_augment_sampler=sometimes"));
        assertTrue(bad.getMessage().contains("data.use_repeated_augment_sampler"), bad.getMessage());
    }

    @Test
    void mixedPrecisionSettingsInOursAndEasyCVsSpelling() {
        assertTrue(load().amp().isEmpty(), "float32 by default");
        assertEquals(MixedPrecision.NONE, load().precision());
        assertEquals(LossScaleSettings.DEFAULT, load("amp=fp16").amp().orElseThrow());
        assertEquals(MixedPrecision.FP16, load("amp=fp16").precision());
        // bfloat16 keeps float32's range: no loss scaling.
        assertEquals(MixedPrecision.BF16, load("amp=bf16").precision());
        assertTrue(load("amp=bf16").amp().isEmpty());
        assertEquals(MixedPrecision.FP16, load("fp16={loss_scale=dynamic}").precision());
        assertEquals(new LossScaleSettings(128.0, 2.0, 0.5, 50),
                load("amp=fp16", "amp_config={init_scale=128, growth_interval=50}").amp().orElseThrow());
        assertEquals(LossScaleSettings.DEFAULT, load("fp16={loss_scale=dynamic}").amp().orElseThrow());
        // EasyCV's fixed scale: never grows.
        assertEquals(new LossScaleSettings(512.0, 2.0, 0.5, Integer.MAX_VALUE),
                load("fp16={loss_scale=512.0}").amp().orElseThrow());
    }

    @Test
    void anEmptyWorkDirAndAFractionalEpochCountAreNamed() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> load("work_dir=\"\"", "total_epochs=2.5"));
        String all = e.problems().stream().map(ConfigProblem::toString).toList().toString();
        assertTrue(all.contains("work_dir: expected a folder, got an empty string"), all);
        assertTrue(all.contains("total_epochs: expected an integer, got number 2.5"), all);
    }

    @Test
    void badMixedPrecisionSettingsAreNamed() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class,
                () -> load("amp=fp32", "amp_config={init_scale=-1, growth_intervall=5}"));
        String all = e.problems().stream().map(ConfigProblem::toString).toList().toString();
        assertTrue(all.contains("amp: expected one of [none, fp16, bf16], got \"fp32\""), all);
        ConfigValidationException bf16 = assertThrows(ConfigValidationException.class,
                () -> load("amp=bf16", "amp_config={init_scale=128}"));
        assertTrue(bf16.getMessage().contains("amp_config: amp_config (loss scaling) needs amp = fp16; bf16 trains "
                + "without loss scaling"), bf16.getMessage());
        ConfigValidationException both = assertThrows(ConfigValidationException.class,
                () -> load("amp=bf16", "fp16={loss_scale=dynamic}"));
        assertTrue(both.getMessage().contains("set either EasyCV's fp16 object or amp / amp_config, not both"),
                both.getMessage());
        ConfigValidationException e2 = assertThrows(ConfigValidationException.class,
                () -> load("amp=fp16", "amp_config={init_scale=-1, growth_intervall=5}"));
        String all2 = e2.problems().stream().map(ConfigProblem::toString).toList().toString();
        assertTrue(all2.contains("amp_config.init_scale: expected a finite init_scale > 0, got -1.0"), all2);
        assertTrue(all2.contains("amp_config.growth_intervall: unknown key; did you mean \"growth_interval\"?"), all2);
        ConfigValidationException e3 = assertThrows(ConfigValidationException.class,
                () -> load("fp16={loss_scale=adaptive}"));
        assertTrue(e3.getMessage().contains("fp16.loss_scale"), e3.getMessage());
    }
}
