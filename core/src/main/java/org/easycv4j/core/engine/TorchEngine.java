package org.easycv4j.core.engine;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.cuda.CudaUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which libtorch this process runs and what it can reach: the launcher's {@code EASYCV4J_TORCH} selection
 * ({@code cpu}, {@code cu128} or a library folder), the flavour actually loaded (a CPU-only or a CUDA build),
 * its version and folder, and the GPUs libtorch sees.
 *
 * @param selection the {@code EASYCV4J_TORCH} value the launcher resolved ({@code cpu} when not set)
 * @param flavor {@code cpu} or the CUDA flavour ({@code cu128}) of the loaded libtorch
 * @param version the libtorch version
 * @param libraryPath the folder libtorch was loaded from
 * @param cudaBuild whether the loaded libtorch was built with CUDA ({@code libtorch_cuda.so} beside it)
 * @param gpus the CUDA devices libtorch sees (0 for a CPU-only build or without a usable GPU)
 * @param runtimeGpus the CUDA devices the machine's CUDA runtime reports (DJL's probe of {@code libcudart.so};
 *     0 when it has none), to tell a CPU-only engine on a GPU machine apart from a machine without GPUs
 */
public record TorchEngine(String selection, String flavor, String version, String libraryPath, boolean cudaBuild,
        int gpus, int runtimeGpus) {

    /** The name of the launcher switch, for messages. */
    public static final String SWITCH = "EASYCV4J_TORCH";

    private static volatile TorchEngine current;

    /** The engine of this process (loads it on first use). */
    public static TorchEngine current() {
        TorchEngine e = current;
        if (e == null) {
            synchronized (TorchEngine.class) {
                e = current;
                if (e == null) {
                    e = probe();
                    current = e;
                }
            }
        }
        return e;
    }

    /** The launcher's selection: the {@code easycv4j.torch} system property, else the environment, else cpu. */
    public static String selectionSetting() {
        String s = System.getProperty("easycv4j.torch");
        if (s == null || s.isBlank()) {
            s = System.getenv(SWITCH);
        }
        return s == null || s.isBlank() ? "cpu" : s;
    }

    private static TorchEngine probe() {
        Engine engine = Engine.getInstance();
        boolean torch = TorchOps.available();
        String path = torch ? ai.djl.pytorch.jni.LibUtils.getLibtorchPath() : "";
        boolean cudaBuild = torch && Files.isRegularFile(Path.of(path, "libtorch_cuda.so"));
        // DJL's CUDA capability is torch::cuda::is_available(): a CUDA build that sees at least one device.
        boolean usable = engine.hasCapability(StandardCapabilities.CUDA);
        int gpus = !usable ? 0 : torch ? libtorchGpuCount(engine) : engine.getGpuCount();
        String flavor = cudaBuild ? System.getProperty("easycv4j.torch.flavor", "cuda") : "cpu";
        return new TorchEngine(selectionSetting(), flavor, engine.getVersion(), path, cudaBuild, gpus,
                CudaUtils.getGpuCount());
    }

    /** libtorch's features as DJL reports them (CUDA, CUDNN, MKL, MKLDNN, OPENMP, ...), sorted. */
    public static List<String> features() {
        return TorchOps.available() ? new ArrayList<>(new TreeSet<>(JniUtils.getFeatures())) : List.of();
    }

    /** libtorch's {intra-op, inter-op} thread counts ({0, 0} on another engine). */
    public static int[] threads() {
        return TorchOps.available() ? new int[] {JniUtils.getNumThreads(), JniUtils.getNumInteropThreads()}
                : new int[2];
    }

    /** libtorch's own count; DJL's (through libcudart) if this libtorch does not register the TorchScript op. */
    private static int libtorchGpuCount(Engine engine) {
        try {
            return TorchOps.cudaDeviceCount();
        } catch (ai.djl.engine.EngineException e) {
            // A usable CUDA libtorch sees at least one device even when DJL's libcudart probe finds none.
            return Math.max(1, engine.getGpuCount());
        }
    }

    /** How to pick another libtorch, for error messages. */
    public String switchHint() {
        return SWITCH + "=cu128 (DJL's CUDA 12.8 build, downloaded once) or " + SWITCH
                + "=/path/to/libtorch/lib (a local CUDA libtorch 2.7.1; docs/gpus.md)";
    }

    /** One line for logs: {@code libtorch 2.7.1 cpu (EASYCV4J_TORCH=cpu) from /path}. */
    public String describe() {
        return "libtorch " + version + " " + flavor + " (" + SWITCH + "=" + selection + ") from " + libraryPath;
    }
}
