package org.easycv4j.tools;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.data.prepare.CifarArchive;
import org.easycv4j.data.prepare.FashionMnist;
import org.easycv4j.data.prepare.IdxExport;
import org.easycv4j.data.prepare.SyntheticImages;
import org.easycv4j.data.source.CifarSource;
import org.easycv4j.data.source.IdxSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prepare-data fashion-mnist [--out DIR]} and helpers that turn IDX data into image files, make the
 * demo subset, or write synthetic JPEGs for loader benchmarks.
 */
@Command(name = "prepare-data", mixinStandardHelpOptions = true,
        description = "Fetch and convert datasets.",
        subcommands = {PrepareDataCommand.FashionMnistCmd.class, PrepareDataCommand.ExportImages.class,
                PrepareDataCommand.DemoSubset.class, PrepareDataCommand.SyntheticJpeg.class,
                PrepareDataCommand.Cifar10Cmd.class, PrepareDataCommand.Cifar100Cmd.class})
public final class PrepareDataCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    enum Layout { list, folders, both }

    /** The full Fashion-MNIST. */
    @Command(name = "fashion-mnist", mixinStandardHelpOptions = true,
            description = "Full Fashion-MNIST (60k + 10k) from the Debian package dataset-fashion-mnist if installed,"
                    + " else downloaded from the zalando-research/fashion-mnist GitHub repository.")
    static final class FashionMnistCmd implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "datasets/fashion-mnist", description = "output folder (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--from", description = "folder holding the four .gz files (default: " + "/usr/share/datasets/fashion-mnist)")
        Path from;

        @Option(names = "--url", defaultValue = FashionMnist.DOWNLOAD_BASE, description = "download base URL")
        String url;

        @Option(names = "--images", description = "also write image files: png or jpg (see export-images)")
        String images;

        @Option(names = "--layout", defaultValue = "both", description = "with --images: list, folders or both")
        Layout layout;

        @Override
        public Integer call() throws Exception {
            FashionMnist.fetch(out, from != null ? from : FashionMnist.DEBIAN_DIR, url);
            if (images != null) {
                exportBoth(out, out.resolve("images-" + images), images, layout);
            }
            return 0;
        }
    }

    static void exportBoth(Path idx, Path out, String format, Layout layout) throws Exception {
        for (IdxSource.Split split : IdxSource.Split.values()) {
            String prefix = split.filePrefix();
            IdxExport.export(idx.resolve(prefix + "-images-idx3-ubyte.gz"), idx.resolve(prefix + "-labels-idx1-ubyte.gz"),
                    ConfigNode.configName(split), out, format, layout != Layout.folders, layout != Layout.list, IdxSource.FASHION_MNIST_CLASSES);
        }
        System.out.println("images written under " + out + " (list files train.txt / test.txt, *_ssl.txt, classes.txt;"
                + " class folders train/ and test/)");
    }

    /** IDX to image files. */
    @Command(name = "export-images", mixinStandardHelpOptions = true,
            description = "Write an IDX set (train-/t10k- files, gzipped) as PNG/JPEG files with list files and/or class folders.")
    static final class ExportImages implements Callable<Integer> {
        @Option(names = "--idx", required = true, description = "folder with train-images-idx3-ubyte.gz etc.")
        Path idx;

        @Option(names = "--out", required = true, description = "output folder")
        Path out;

        @Option(names = "--format", defaultValue = "png", description = "png or jpg (default: ${DEFAULT-VALUE})")
        String format;

        @Option(names = "--layout", defaultValue = "both", description = "list, folders or both (default: ${DEFAULT-VALUE})")
        Layout layout;

        @Override
        public Integer call() throws Exception {
            exportBoth(idx, out, format, layout);
            return 0;
        }
    }

    /** The demo subset shipped in the repository. */
    @Command(name = "demo-subset", mixinStandardHelpOptions = true,
            description = "Class-balanced Fashion-MNIST subset (first N of each class) as gzipped IDX files.")
    static final class DemoSubset implements Callable<Integer> {
        @Option(names = "--from", description = "folder with the full set (default: /usr/share/datasets/fashion-mnist)")
        Path from;

        @Option(names = "--out", defaultValue = "demo/fashion-mnist", description = "output folder (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--train-per-class", defaultValue = "400")
        int trainPerClass;

        @Option(names = "--test-per-class", defaultValue = "100")
        int testPerClass;

        @Override
        public Integer call() throws Exception {
            Path src = from != null ? from : FashionMnist.DEBIAN_DIR;
            FashionMnist.subset(src.resolve("train-images-idx3-ubyte.gz"), src.resolve("train-labels-idx1-ubyte.gz"),
                    trainPerClass, out.resolve("train-images-idx3-ubyte.gz"), out.resolve("train-labels-idx1-ubyte.gz"));
            FashionMnist.subset(src.resolve("t10k-images-idx3-ubyte.gz"), src.resolve("t10k-labels-idx1-ubyte.gz"),
                    testPerClass, out.resolve("t10k-images-idx3-ubyte.gz"), out.resolve("t10k-labels-idx1-ubyte.gz"));
            System.out.println("subset written to " + out);
            return 0;
        }
    }

    /** An official CIFAR archive extracted for ClsSourceCifar10 / ClsSourceCifar100. */
    abstract static class CifarCmd implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "ARCHIVE.tar.gz",
                description = "the official archive (python or binary version), downloaded by you")
        Path from;

        @Option(names = "--out", description = "folder to extract into, the sources' root (default: datasets/NAME)")
        Path out;

        abstract CifarSource.Variant variant();

        @Override
        public Integer call() throws Exception {
            String name = variant() == CifarSource.Variant.CIFAR10 ? "cifar10" : "cifar100";
            Path root = out != null ? out : Path.of("datasets", name);
            CifarArchive.Result r = CifarArchive.extract(variant(), from, root);
            System.out.println(r.folder() + ": " + r.train() + " training and " + r.test() + " test images, "
                    + r.classes() + " classes; use data_source { type = ClsSource" + (name.equals("cifar10")
                    ? "Cifar10" : "Cifar100") + ", root = \"" + root + "\", split = train }");
            return 0;
        }
    }

    @Command(name = "cifar10", mixinStandardHelpOptions = true,
            description = "Extract and check the official CIFAR-10 archive (cifar-10-python.tar.gz or "
                    + "cifar-10-binary.tar.gz); nothing is downloaded.")
    static final class Cifar10Cmd extends CifarCmd {
        @Override
        CifarSource.Variant variant() {
            return CifarSource.Variant.CIFAR10;
        }
    }

    @Command(name = "cifar100", mixinStandardHelpOptions = true,
            description = "Extract and check the official CIFAR-100 archive (cifar-100-python.tar.gz or "
                    + "cifar-100-binary.tar.gz); nothing is downloaded.")
    static final class Cifar100Cmd extends CifarCmd {
        @Override
        CifarSource.Variant variant() {
            return CifarSource.Variant.CIFAR100;
        }
    }

    /** Benchmark images. */
    @Command(name = "synthetic-jpeg", mixinStandardHelpOptions = true,
            description = "ImageNet-like synthetic JPEGs (short side 300-400 px by default) + list files, for bench-data.")
    static final class SyntheticJpeg implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "output folder")
        Path out;

        @Option(names = "--count", defaultValue = "1000", description = "number of images (default: ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Option(names = "--short-side", paramLabel = "MIN-MAX", defaultValue = "300-400",
                description = "range of the short side in pixels (default: ${DEFAULT-VALUE}; e.g. 900-1200 for"
                        + " full-resolution photos)")
        String shortSide;

        @Override
        public Integer call() throws Exception {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)-(\\d+)").matcher(shortSide);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1
                    || Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--short-side: expected MIN-MAX with 1 <= MIN <= MAX, got \"" + shortSide + "\"");
            }
            SyntheticImages.write(out, count, seed, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            System.out.println(count + " JPEGs in " + out.resolve("images") + "; lists " + out.resolve("list.txt")
                    + " and " + out.resolve("labelled.txt"));
            return 0;
        }
    }
}
