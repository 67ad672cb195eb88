package org.easycv4j.data.prepare;

import ai.djl.ndarray.NDManager;
import java.lang.management.ManagementFactory;
import java.util.Iterator;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;

/** Times a dataset's loader: batches per second after a warm-up, as images per second. */
public final class LoaderBench {
    private LoaderBench() {}

    /**
     * @param imagesPerSecond images delivered per wall-clock second over the timed batches
     * @param imagesPerCpuSecond images per second of CPU time used by the whole process (all threads,
     *     GC included): the per-core rate, meaningful even when other processes share the cores
     */
    public record Result(int workers, int batchSize, long images, double seconds, double imagesPerSecond,
            double cpuSeconds, double imagesPerCpuSecond) {
        @Override
        public String toString() {
            return String.format("workers=%d batch=%d: %d images in %.2f s = %.1f images/s"
                    + " (%.2f CPU s: %.1f images per CPU-second)", workers, batchSize, images, seconds, imagesPerSecond,
                    cpuSeconds, imagesPerCpuSecond);
        }
    }

    /** CPU time of this process in nanoseconds, or -1 when the JVM does not say. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Loads {@code warmup} untimed batches (JIT, page cache), then times {@code batches} batches. */
    public static Result run(Dataset dataset, int batchSize, int workers, int warmup, int batches, long seed) {
        LoaderSettings settings = new LoaderSettings(batchSize, workers, true, true, seed, 0, 1);
        try (DataLoader loader = dataset.loader(settings); NDManager manager = NDManager.newBaseManager()) {
            int epoch = 0;
            Iterator<Batch> it = loader.epoch(epoch, manager);
            long images = 0;
            long start = 0;
            long cpuStart = 0;
            Progress progress = new Progress("bench-data batches", warmup + batches);
            for (int b = 0; b < warmup + batches; b++) {
                if (!it.hasNext()) {
                    it = loader.epoch(++epoch, manager);
                }
                if (b == warmup) {
                    start = System.nanoTime();
                    cpuStart = processCpuNanos();
                }
                try (Batch batch = it.next()) {
                    if (b >= warmup) {
                        images += batch.size();
                    }
                }
                progress.step();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            return new Result(workers, batchSize, images, secs, images / secs, cpu, images / cpu);
        }
    }
}
