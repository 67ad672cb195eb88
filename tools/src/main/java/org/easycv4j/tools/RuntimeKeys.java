package org.easycv4j.tools;

import ch.qos.logback.classic.Level;
import org.easycv4j.core.engine.Cudnn;
import org.easycv4j.core.runner.RuntimeSettings;
import org.easycv4j.data.image.OpenCvBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the EasyCV runtime keys a launcher acts on: {@code log_level}, {@code cudnn_benchmark} and
 * {@code opencv_num_threads}.
 */
final class RuntimeKeys {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeKeys.class);

    private RuntimeKeys() {}

    static void apply(RuntimeSettings s) {
        s.logLevel().ifPresent(l -> {
            // Another SLF4J binding on the class path (a user's application) keeps its own configuration.
            if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
                root.setLevel(level(l));
            }
        });
        if (s.cudnnBenchmark()) {
            Cudnn.benchmark(true);
        }
        s.opencvNumThreads().ifPresent(OpenCvBackend::setNumThreads);
        s.note().ifPresent(LOG::info);
    }

    static Level level(RuntimeSettings.LogLevel l) {
        return switch (l) {
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARNING -> Level.WARN;
            case ERROR, CRITICAL -> Level.ERROR;
        };
    }
}
