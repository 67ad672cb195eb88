package org.easycv4j.tools;

import com.typesafe.config.Config;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.core.registry.Spec;
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

    @Option(names = "--workers", description = "loader threads (default: data.workers_per_gpu, else 2); 0 = caller thread")
    Integer workers;

    @Option(names = "--batches", defaultValue = "50", description = "timed batches (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed batches first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--batch-size", description = "samples per batch (default: data.imgs_per_gpu, else 64)")
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
        Config cfg = new ConfigLoader().load(config.toPath(), overrides, System.getProperties());
        int bs = batchSize != null ? batchSize : cfg.hasPath("data.imgs_per_gpu") ? cfg.getInt("data.imgs_per_gpu") : 64;
        int nw = workers != null ? workers : cfg.hasPath("data.workers_per_gpu") ? cfg.getInt("data.workers_per_gpu") : 2;
        // Only data.train is built: a data-only config (no model, no optimizer) is enough to benchmark.
        ConfigNode root = ConfigNode.root(cfg);
        Components components = Injectors.create().getInstance(Components.class);
        Spec<Dataset> spec = components.parse(root.object("data").object("train"), Dataset.KIND).orElse(null);
        root.problems().throwIfAny();
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
