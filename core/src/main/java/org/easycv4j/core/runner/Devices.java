package org.easycv4j.core.runner;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the config's {@code device} into a DJL device. */
public final class Devices {
    private Devices() {}

    /**
     * {@code auto}: the engine's default (a GPU when the engine sees one); {@code cpu}; {@code gpu} (GPU 0);
     * {@code gpu:N} or {@code gpuN}.
     */
    public static Device parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("auto")) {
            return Engine.getInstance().defaultDevice();
        }
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.equals("gpu") || n.equals("cuda")) {
            return requireGpu(0, name);
        }
        Matcher m = Pattern.compile("(?:gpu|cuda):?(\\d+)").matcher(n);
        if (m.matches()) {
            return requireGpu(Integer.parseInt(m.group(1)), name);
        }
        throw new IllegalArgumentException("device: expected auto, cpu, gpu or gpu:N, got \"" + name + "\"");
    }

    private static Device requireGpu(int id, String name) {
        int count = Engine.getInstance().getGpuCount();
        if (id >= count) {
            throw new IllegalArgumentException("device: \"" + name + "\" asks for GPU " + id + " but the engine sees "
                    + count + " GPU(s); use device = auto or cpu");
        }
        return Device.gpu(id);
    }
}
