package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.bytedeco.opencv.global.opencv_core;
import org.easycv4j.core.runner.RuntimeSettings;
import org.easycv4j.data.image.OpenCvBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RuntimeKeysTest {

    @Test
    void logLevelSetsTheConsoleLevel() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            RuntimeKeys.apply(new RuntimeSettings(Optional.of(RuntimeSettings.LogLevel.WARNING), false, OptionalInt.empty(), List.of()));
            assertEquals(Level.WARN, root.getLevel());
            RuntimeKeys.apply(new RuntimeSettings(Optional.of(RuntimeSettings.LogLevel.CRITICAL), false, OptionalInt.empty(), List.of()));
            assertEquals(Level.ERROR, root.getLevel());
            RuntimeKeys.apply(new RuntimeSettings(Optional.of(RuntimeSettings.LogLevel.DEBUG), false, OptionalInt.empty(), List.of()));
            assertEquals(Level.DEBUG, root.getLevel());
            RuntimeKeys.apply(new RuntimeSettings(Optional.empty(), false, OptionalInt.empty(), List.of()));
            assertEquals(Level.DEBUG, root.getLevel(), "no log_level: left as it is");
        } finally {
            root.setLevel(before);
        }
    }

    @Test
    void opencvNumThreadsSetsOpenCvsThreadCount() {
        Assumptions.assumeTrue(OpenCvBackend.tryLoad().isPresent(), "OpenCV natives load on this platform");
        try {
            RuntimeKeys.apply(new RuntimeSettings(Optional.empty(), false, OptionalInt.of(3), List.of()));
            assertEquals(3, opencv_core.getNumThreads());
            RuntimeKeys.apply(new RuntimeSettings(Optional.empty(), false, OptionalInt.of(0), List.of()));
            assertEquals(1, opencv_core.getNumThreads(), "0: OpenCV runs sequentially (reports 1 thread)");
        } finally {
            OpenCvBackend.setNumThreads(1);
        }
        assertEquals(1, opencv_core.getNumThreads());
    }
}
