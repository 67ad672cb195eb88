package org.easycv4j.tools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.Experiment;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.data.prepare.LoaderBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench-data CONFIG [--workers N] [--batches N]}: images per second of the config's training data
 * ({@code data.train}) through decode, pipeline and batching, without a model.
 */
@Command(name = "bench-data", mixinStandardHelpOptions = true,
        description = "Measure images/s of the configured training data pipeline (data.train), without a model.")
public final class BenchDataCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "experiment config (HOCON)")
    File config;

    @Option(names = "--workers", description = "loader threads (default: data.workers_per_gpu); 0 = caller thread")
    Integer workers;

    @Option(names = "--batches", defaultValue = "50", description = "timed batches (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed batches first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--batch-size", description = "samples per batch (default: data.imgs_per_gpu)")
    Integer batchSize;

    @Option(names = "--decoder", description = "override data.train.decoder: auto, opencv or imageio")
    String decoder;

    @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config value (repeatable)")
    List<String> sets = new ArrayList<>();

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast(spec, "--batches", batches, 1);
        OptionChecks.atLeast(spec, "--warmup", warmup, 0);
        if (batchSize != null) {
            OptionChecks.atLeast(spec, "--batch-size", batchSize, 1);
        }
        if (workers != null) {
            OptionChecks.atLeast(spec, "--workers", workers, 0);
        }
        List<String> overrides = new ArrayList<>(sets);
        if (decoder != null) {
            overrides.add("data.train.decoder=" + decoder);
        }
        // Only data is read and data.train built: a data-only config (no model, no optimizer) is enough to benchmark.
        Experiment.DataSettings data = new ExperimentLoader().loadPart(config.toPath(), overrides,
                System.getProperties()).data();
        int bs = batchSize != null ? batchSize : data.imgsPerGpu();
        int nw = workers != null ? workers : data.workersPerGpu();
        Spec<Dataset> spec = data.train();
        Path work = Files.createTempDirectory("bench-data");
        // opening is timed on its own: the index of a large set (a list file, a shard index) is read here
        long opening = System.nanoTime();
        Dataset dataset = spec.create(new BuildContext(work, seed, bs, false));
        double opened = (System.nanoTime() - opening) / 1e9;
        System.out.printf("data.train: %s, %d samples (opened in %.2f s), batch %d, %d workers, %d warm-up + %d timed"
                + " batches%n", spec.type(), dataset.size(), opened, bs, nw, warmup, batches);
        LoaderBench.Result r = LoaderBench.run(dataset, bs, nw, warmup, batches, seed);
        System.out.println(r);
        return 0;
    }
}
