package org.easycv4j.tools;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.easycv4j.core.dist.MpiUnavailableException;
import org.easycv4j.core.dist.Nccl;
import org.easycv4j.core.dist.NcclUnavailableException;
import org.easycv4j.core.dist.OpenMpi;
import org.easycv4j.core.engine.TorchEngine;
import org.easycv4j.core.runner.Devices;
import org.easycv4j.core.runner.Provenance;
import org.easycv4j.core.util.LoadedLibraries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tools/env}: what a run on this machine would load and see: the libtorch (version, flavour, folder, the
 * {@code EASYCV4J_TORCH} selection), CUDA and the GPUs, threads, whether the MPI and NCCL libraries load, Java
 * and DJL versions. The first command to run on a new node.
 */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Show the libtorch, CUDA, GPUs, threads, MPI/NCCL and versions a run would use.")
public final class EnvCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, json }

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json")
    Format format = Format.table;

    @Spec
    CommandSpec spec;

    /** One GPU as libtorch numbers it. */
    record Gpu(int index, String name, Long memoryTotalMb, Long memoryUsedMb, String computeCapability) {}

    /** Whether a shared library loads, and from where. */
    record Library(String name, boolean loads, String path, String error) {}

    record Threads(int intraOp, int interOp, int cores, String ompNumThreads, String ompWaitPolicy) {}

    record Report(String project, String java, String djl, TorchEngine libtorch, List<String> features,
            String cudaRuntime, List<Gpu> gpus, String autoDevice, Threads threads, Library mpi, Library nccl,
            String djlCache, boolean djlOffline) {}

    @Override
    public Integer call() {
        Report r = collect();
        var out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                    .toJson(r));
        } else {
            out.print(table(r));
        }
        out.flush();
        return 0;
    }

    static Report collect() {
        Engine engine = Engine.getInstance();
        TorchEngine torch = TorchEngine.current();
        List<String> features = TorchEngine.features();
        String runtime = cudaRuntime();
        List<Gpu> gpus = gpus(torch);
        int[] n = TorchEngine.threads();
        Threads threads = new Threads(n[0], n[1],
                Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"),
                System.getenv("OMP_WAIT_POLICY"));
        Devices.Choice auto = Devices.choose("auto", torch);
        return new Report(Provenance.readProjectVersion(), System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.vendor") + ")", Engine.getDjlVersion(), torch, features, runtime,
                gpus, auto.device() + ": " + auto.reason().replaceFirst("^device = auto: ", ""), threads, mpi(), nccl(),
                Utils.getEngineCacheDir().toString(), Utils.isOfflineMode());
    }

    /** The version of the {@code libcudart.so} DJL finds on the library path, or null. */
    private static String cudaRuntime() {
        try {
            return cudaVersion(CudaUtils.getCudaVersion());
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** 12080 → "12.8". */
    static String cudaVersion(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private static List<Gpu> gpus(TorchEngine torch) {
        List<Gpu> list = new ArrayList<>();
        Map<Integer, String> names = nvidiaSmiNames();
        for (int i = 0; i < torch.gpus(); i++) {
            Long total = null;
            Long used = null;
            String cc = null;
            if (torch.runtimeGpus() > i) {
                MemoryUsage m = CudaUtils.getGpuMemory(Device.gpu(i));
                total = m.getMax() >> 20;
                used = m.getUsed() >> 20;
                cc = CudaUtils.getComputeCapability(i);
            }
            list.add(new Gpu(i, names.get(i), total, used, cc));
        }
        return list;
    }

    /** GPU names by index from {@code nvidia-smi} when it is installed (DJL has no call for them). */
    private static Map<Integer, String> nvidiaSmiNames() {
        Map<Integer, String> names = new TreeMap<>();
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index,name", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                for (String line : out.split("\n")) {
                    String[] parts = line.split(",", 2);
                    if (parts.length == 2 && parts[0].strip().matches("\\d+")) {
                        names.put(Integer.parseInt(parts[0].strip()), parts[1].strip());
                    }
                }
            } else {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // No nvidia-smi: no names.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return names;
    }

    /** Open MPI as {@code --launcher mpi} loads it (EASYCV4J_MPI_LIBRARY, then libmpi.so, libmpi.so.40, ...). */
    static Library mpi() {
        try {
            String file = OpenMpi.libraryFile();
            return new Library("Open MPI", true, file.startsWith("/") ? file : LoadedLibraries.find("libmpi.so").map(Path::toString).orElse(file), null);
        } catch (MpiUnavailableException e) {
            return new Library("Open MPI", false, null, e.getMessage());
        }
    }

    /** NCCL as GPU ranks load it (EASYCV4J_NCCL_LIBRARY, else libnccl.so.2). */
    static Library nccl() {
        try {
            Nccl n = Nccl.load();
            String file = n.library();
            return new Library("NCCL " + n.version(), true, file.startsWith("/") ? file : LoadedLibraries.find("libnccl.so").map(Path::toString).orElse(file),
                    null);
        } catch (NcclUnavailableException e) {
            return new Library("NCCL", false, null, e.getMessage());
        }
    }

    static String table(Report r) {
        StringBuilder b = new StringBuilder();
        TorchEngine t = r.libtorch();
        row(b, "easycv4j", r.project());
        row(b, "java", r.java());
        row(b, "djl", r.djl() + (r.djlOffline() ? " (offline)" : " (online: may download)") + ", cache "
                + r.djlCache());
        row(b, "libtorch", t.version() + " " + t.flavor() + (t.cudaBuild() ? " (CUDA build)" : " (CPU-only build)"));
        row(b, "  selected", TorchEngine.SWITCH + "=" + t.selection());
        row(b, "  folder", t.libraryPath());
        row(b, "  features", String.join(", ", r.features()));
        row(b, "cuda runtime", r.cudaRuntime() == null ? "no libcudart.so on the library path"
                : "libcudart " + r.cudaRuntime() + ", " + t.runtimeGpus() + " GPU(s) reported");
        if (r.gpus().isEmpty()) {
            row(b, "gpus", "none usable by this libtorch");
        }
        for (Gpu g : r.gpus()) {
            String mem = g.memoryTotalMb() == null ? "memory unknown (no libcudart.so on the library path)"
                    : String.format(Locale.ROOT, "%.1f GiB, %.1f GiB used", g.memoryTotalMb() / 1024.0,
                            g.memoryUsedMb() / 1024.0);
            row(b, "gpu:" + g.index(), (g.name() == null ? "" : g.name() + ", ") + mem
                    + (g.computeCapability() == null ? "" : ", compute " + g.computeCapability()));
        }
        row(b, "device = auto", r.autoDevice());
        Threads th = r.threads();
        row(b, "threads", "intra-op " + th.intraOp() + ", inter-op " + th.interOp() + ", cores " + th.cores()
                + (th.ompNumThreads() == null ? "" : ", OMP_NUM_THREADS=" + th.ompNumThreads())
                + (th.ompWaitPolicy() == null ? "" : ", OMP_WAIT_POLICY=" + th.ompWaitPolicy()));
        for (Library l : List.of(r.mpi(), r.nccl())) {
            row(b, l == r.mpi() ? "mpi" : "nccl", l.name() + (l.loads() ? ": loads from " + l.path()
                    : ": does not load: " + l.error()));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-14s %s%n", key, value));
    }
}
