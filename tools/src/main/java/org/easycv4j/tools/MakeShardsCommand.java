package org.easycv4j.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageBackends;
import org.easycv4j.data.image.ImageFiles;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.shards.ShardWriter;
import org.easycv4j.data.source.BadSampleException;
import org.easycv4j.data.source.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tools/make-shards CONFIG --out DIR [--key data.train.data_source] [--max-count N] [--max-bytes B]}:
 * a config's data source as WebDataset tar shards.
 */
@Command(name = "make-shards", mixinStandardHelpOptions = true,
        description = "Write the data source at KEY of CONFIG (any registered source: folders, list files, EasyCV's "
                + "ImageNet list, IDX, CIFAR) as WebDataset tar shards in DIR: KEY.jpg / .png ... with KEY.cls, the "
                + "files' own bytes (no re-encode; sources of pixels as PNG), and DIR/index.json. Deterministic; a "
                + "shard appears only when complete; unreadable entries are reported and left out.")
public final class MakeShardsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "a config holding the data source (HOCON)")
    Path config;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "data.train.data_source",
            description = "where the data source is in CONFIG (default: ${DEFAULT-VALUE})")
    String key;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "the shards' folder (new or empty)")
    Path out;

    @Option(names = "--prefix", paramLabel = "NAME", defaultValue = "shard",
            description = "shard names NAME-000000.tar, ... (default: ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--max-count", paramLabel = "N", defaultValue = "10000",
            description = "samples per shard at the most (default: ${DEFAULT-VALUE})")
    long maxCount;

    @Option(names = "--max-bytes", paramLabel = "BYTES", defaultValue = "1000000000",
            description = "bytes per shard at the most (default: ${DEFAULT-VALUE})")
    long maxBytes;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config value (repeatable)")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (maxCount < 1 || maxBytes < 1) {
            System.err.println("error: --max-count and --max-bytes must be at least 1");
            return Main.USER_ERROR;
        }
        if (Files.isDirectory(out)) {
            try (var files = Files.list(out)) {
                if (files.findAny().isPresent()) {
                    System.err.println("error: --out " + out + ": not empty (shards are written into a new or empty "
                            + "folder, so that no earlier shard is mixed in)");
                    return Main.USER_ERROR;
                }
            }
        } else if (Files.exists(out)) {
            System.err.println("error: --out " + out + ": not a folder");
            return Main.USER_ERROR;
        }
        ExperimentLoader.Part part = new ExperimentLoader().loadPart(config, sets, System.getProperties());
        if (!part.config().hasPath(key)
                || part.config().getValue(key).valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
            System.err.println("error: " + config + ": no data source at " + key
                    + " (expected an object with a type, e.g. { type = ClsSourceImageFolder, root = ... }; --key names another place)");
            return Main.USER_ERROR;
        }
        Spec<DataSource> spec = part.component(key, DataKinds.DATA_SOURCE);
        DataSource source = spec.create(new BuildContext(out, 0, 1, false));
        ImageBackend backend = ImageBackends.create(ImageBackends.Decoder.AUTO);
        int n = source.size();
        int digits = Math.max(6, Integer.toString(Math.max(0, n - 1)).length());
        long skipped = 0;
        long start = System.nanoTime();
        long lastReport = start;
        ShardWriter writer = ShardWriter.builder().setOutput(out).optPrefix(prefix).optMaxCount(maxCount)
                .optMaxBytes(maxBytes).optClasses(source.labelled() ? source.classNames() : List.of(),
                        source.labelled() ? source.numClasses() : 0).build();
        try {
            for (int i = 0; i < n; i++) {
                Map<String, byte[]> members = new LinkedHashMap<>();
                try {
                    Optional<DataSource.Stored> stored = source.stored(i);
                    int label;
                    if (stored.isPresent()) {
                        members.put(stored.get().extension(), stored.get().data());
                        label = stored.get().label();
                    } else {
                        Sample s = source.load(i, backend);
                        members.put("png", png(s));
                        label = s.label();
                    }
                    if (source.labelled()) {
                        members.put("cls", Integer.toString(label).getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (BadSampleException e) {
                    System.err.println("skipped: " + e.getMessage());
                    skipped++;
                    continue;
                }
                // The source's index as the key: the same entry has the same name in every conversion.
                writer.write(String.format(Locale.ROOT, "%0" + digits + "d", i), members);
                long now = System.nanoTime();
                if (now - lastReport > 10_000_000_000L) {
                    lastReport = now;
                    System.out.printf(Locale.ROOT, "%d / %d samples (%.0f per second)%n", i + 1, n,
                            (i + 1) / ((now - start) / 1e9));
                }
            }
            writer.close();
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
        System.out.printf(Locale.ROOT, "%d samples in %s (%d left out as unreadable), %.1f s; index %s%n",
                writer.samples(), out, skipped, (System.nanoTime() - start) / 1e9, out.resolve(ShardWriter.INDEX));
        return 0;
    }

    /** Pixels as a lossless PNG: grey stays grey, three channels RGB. */
    private static byte[] png(Sample s) throws IOException {
        if (!(s.image() instanceof ByteImage img)) {
            throw new IOException(s.origin() + ": expected 8-bit pixels, got " + s.image());
        }
        try {
            return ImageFiles.encode(img, "png");
        } catch (IOException e) {
            throw new IOException(s.origin() + ": " + e.getMessage(), e);
        }
    }
}
