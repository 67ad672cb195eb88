package org.easycv4j.tools;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.prepare.LoaderBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() throws Exception {
        Config cfg = loadConfig(config);
        if (decoder != null) {
            cfg = cfg.withValue("data.train.decoder", ConfigValueFactory.fromAnyRef(decoder));
        }
        int bs = batchSize != null ? batchSize : cfg.hasPath("data.imgs_per_gpu") ? cfg.getInt("data.imgs_per_gpu") : 64;
        int nw = workers != null ? workers : cfg.hasPath("data.workers_per_gpu") ? cfg.getInt("data.workers_per_gpu") : 2;
        ConfigNode root = ConfigNode.root(cfg);
        Components components = injector().getInstance(Components.class);
        Spec<Dataset> spec = components.parse(root.object("data").object("train"), CoreKinds.DATASET).orElse(null);
        root.problems().throwIfAny();
        Path work = Files.createTempDirectory("bench-data");
        Dataset dataset = spec.create(new BuildContext(work, seed, bs, false));
        System.out.printf("data.train: %s, %d samples, batch %d, %d workers, %d warm-up + %d timed batches%n",
                spec.type(), dataset.size(), bs, nw, warmup, batches);
        LoaderBench.Result r = LoaderBench.run(dataset, bs, nw, warmup, batches, seed);
        System.out.println(r);
        return 0;
    }

    // ---- Minimal config loading and injector: to be replaced by the lead's shared helper in core. ----

    static Config loadConfig(File file) {
        if (!file.isFile()) {
            throw new CommandLine.ParameterException(new CommandLine(new BenchDataCommand()),
                    "config file " + file + " does not exist");
        }
        return ConfigFactory.parseFile(file).resolve();
    }

    static Injector injector() {
        List<Module> modules = new ArrayList<>();
        for (PluginModule m : ServiceLoader.load(PluginModule.class)) {
            modules.add(m);
        }
        return Guice.createInjector(modules);
    }

    // ---- end of the part to replace ----

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchDataCommand()).execute(args));
    }
}
