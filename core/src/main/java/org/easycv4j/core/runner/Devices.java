package org.easycv4j.core.runner;

import ai.djl.Device;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.engine.TorchEngine;

/**
 * Turns the config's {@code device} into a DJL device, checked against the libtorch actually loaded: asking for
 * a GPU that the engine cannot use is an error naming the launcher switch, never a silent fall-back to the CPU.
 */
public final class Devices {
    private static final Pattern GPU_N = Pattern.compile("(?:gpu|cuda):?(\\d+)");

    private Devices() {}

    /** A device and why it was chosen (for {@code device = auto}, the log and {@code --dry-run}). */
    public record Choice(Device device, String reason) {}

    /** {@link #choose} against the running engine. */
    public static Device parse(String name) {
        return choose(name, TorchEngine.current()).device();
    }

    /**
     * {@code auto}: GPU 0 when the loaded libtorch has CUDA and sees a GPU, else the CPU; {@code cpu};
     * {@code gpu} (GPU 0); {@code gpu:N} or {@code gpuN}.
     *
     * @throws ComponentBuildException when a GPU is asked for that the engine cannot use, or the name is not a
     *     device
     */
    public static Choice choose(String name, TorchEngine engine) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("auto")) {
            return auto(engine);
        }
        if (n.equals("cpu")) {
            return new Choice(Device.cpu(), "device = cpu");
        }
        if (n.equals("gpu") || n.equals("cuda")) {
            return gpu(0, name, engine);
        }
        Matcher m = GPU_N.matcher(n);
        if (m.matches()) {
            return gpu(Integer.parseInt(m.group(1)), name, engine);
        }
        throw new ComponentBuildException("device: expected auto, cpu, gpu or gpu:N, got \"" + name + "\"");
    }

    private static Choice auto(TorchEngine e) {
        if (e.gpus() > 0) {
            return new Choice(Device.gpu(), "device = auto: the " + e.flavor() + " libtorch sees " + e.gpus()
                    + " GPU(s); using gpu(0)");
        }
        if (e.cudaBuild()) {
            return new Choice(Device.cpu(), "device = auto: the " + e.flavor() + " libtorch sees no GPU (no driver, "
                    + "or CUDA_VISIBLE_DEVICES hides them); using the CPU");
        }
        if (e.runtimeGpus() > 0) {
            return new Choice(Device.cpu(), "device = auto: " + e.runtimeGpus() + " GPU(s) present but the loaded "
                    + "libtorch is CPU-only (" + TorchEngine.SWITCH + "=" + e.selection() + "); using the CPU. To "
                    + "train on the GPUs set " + e.switchHint());
        }
        return new Choice(Device.cpu(), "device = auto: CPU-only libtorch (" + TorchEngine.SWITCH + "="
                + e.selection() + ") and no GPU found; using the CPU");
    }

    private static Choice gpu(int id, String name, TorchEngine e) {
        if (!e.cudaBuild()) {
            throw new ComponentBuildException("device = " + name + ": the loaded libtorch " + e.version()
                    + " is CPU-only (" + TorchEngine.SWITCH + "=" + e.selection() + "). For a GPU set "
                    + e.switchHint() + "; or use device = auto or cpu");
        }
        if (id >= e.gpus()) {
            throw new ComponentBuildException("device = " + name + ": asks for GPU " + id + " but the " + e.flavor()
                    + " libtorch (" + TorchEngine.SWITCH + "=" + e.selection() + ") sees " + e.gpus() + " GPU(s)"
                    + (e.gpus() > 0 ? " (gpu:0 to gpu:" + (e.gpus() - 1) + ")" : "")
                    + "; check CUDA_VISIBLE_DEVICES, or use device = auto or cpu");
        }
        return new Choice(Device.gpu(id), "device = " + name);
    }
}
