package org.easycv4j.core.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/** The PyTorch engine's operator profiler: records every native operator between start and stop. */
public final class EngineProfiler {
    private EngineProfiler() {}

    /** Starts recording (CPU operators); fails on engines without a profiler. */
    public static void start() {
        requirePyTorch();
        JniUtils.startProfile(false, false, false);
    }

    /** Stops recording and writes the events as a Chrome trace (chrome://tracing, Perfetto). */
    public static void stop(Path traceJson) {
        requirePyTorch();
        JniUtils.stopProfile(traceJson.toAbsolutePath().toString());
    }

    private static void requirePyTorch() {
        String name = Engine.getInstance().getEngineName();
        if (!"PyTorch".equals(name)) {
            throw new UnsupportedOperationException("operator profiling needs the PyTorch engine, not " + name);
        }
    }
}
