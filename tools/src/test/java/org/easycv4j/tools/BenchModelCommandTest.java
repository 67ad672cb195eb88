package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bench-model} runs the train loop's step on either input path and prints its figures. */
class BenchModelCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"uint8", "float32"})
    void printsThePhaseSplitAndImagesPerSecond(String input) {
        CliRun.Result r = CliRun.run("bench-model", "small32", "--batch", "4", "--steps", "2", "--warmup", "1",
                "--threads", "1", "--device", "cpu", "--input", input);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("device=cpu() amp=none input=" + input), r.out());
        Matcher phases = Pattern.compile("PHASES mean ms: input ([0-9.]+) forward ([0-9.]+) backward ([0-9.]+) "
                + "optimizer \\(unscale\\+clip\\+AdamW\\+zero\\) ([0-9.]+)").matcher(r.out());
        assertTrue(phases.find(), r.out());
        for (int g = 2; g <= 4; g++) {
            assertTrue(Double.parseDouble(phases.group(g)) > 0, "phase " + g + ": " + r.out());
        }
        Matcher result = Pattern.compile("RESULT djl target=small32 device=cpu\\(\\) amp=none batch=4 median_ms=([0-9.]+)"
                + " min_ms=[0-9.]+ img_per_s=([0-9.]+) .* n=2 .* skipped=0").matcher(r.out());
        assertTrue(result.find(), r.out());
        // img/s is the batch over the median step.
        assertEquals(4000 / Double.parseDouble(result.group(1)), Double.parseDouble(result.group(2)), 0.11);
    }

    @Test
    void anUnknownInputPathIsAUsageErrorNamingTheChoices() {
        CliRun.Result r = CliRun.run("bench-model", "small32", "--input", "int8");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--input") && r.err().contains("[uint8, float32]"), r.err());
    }
}
