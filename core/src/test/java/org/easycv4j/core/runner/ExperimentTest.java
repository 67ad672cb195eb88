package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import org.easycv4j.core.config.ConfigProblem;
import org.easycv4j.core.config.ConfigValidationException;
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
}
