package org.easycv4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.runner.RuntimeSettings;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RuntimeKeysTest {

    @Test
    void logLevelSetsTheConsoleLevel() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            RuntimeKeys.apply(new RuntimeSettings(Optional.of(RuntimeSettings.LogLevel.WARNING), false, List.of()));
            assertEquals(Level.WARN, root.getLevel());
            RuntimeKeys.apply(new RuntimeSettings(Optional.of(RuntimeSettings.LogLevel.CRITICAL), false, List.of()));
            assertEquals(Level.ERROR, root.getLevel());
            RuntimeKeys.apply(new RuntimeSettings(Optional.of(RuntimeSettings.LogLevel.DEBUG), false, List.of()));
            assertEquals(Level.DEBUG, root.getLevel());
            RuntimeKeys.apply(new RuntimeSettings(Optional.empty(), false, List.of()));
            assertEquals(Level.DEBUG, root.getLevel(), "no log_level: left as it is");
        } finally {
            root.setLevel(before);
        }
    }
}
