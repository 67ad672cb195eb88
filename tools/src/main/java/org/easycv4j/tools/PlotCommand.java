package org.easycv4j.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.easycv4j.tools.plot.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tools/plot WORK_DIR [--out DIR] [--width W] [--height H]}: training curves as PNG. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Render loss, lr and accuracy curves of a run from WORK_DIR/metrics.jsonl to PNG files "
                + "(default WORK_DIR/plots/); prints the files written.")
public final class PlotCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORK_DIR", description = "a run's work dir (holding metrics.jsonl)")
    Path workDir;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: WORK_DIR/plots)")
    Path out;

    @Option(names = "--width", paramLabel = "PX", description = "image width (default: ${DEFAULT-VALUE})")
    int width = Plots.WIDTH;

    @Option(names = "--height", paramLabel = "PX", description = "image height (default: ${DEFAULT-VALUE})")
    int height = Plots.HEIGHT;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (width < 100 || height < 100) {
            spec.commandLine().getErr().println("error: --width and --height must be at least 100 pixels");
            return Main.USER_ERROR;
        }
        try {
            List<Path> files = Plots.render(workDir, out != null ? out : workDir.resolve(Plots.FOLDER), width, height);
            files.forEach(f -> spec.commandLine().getOut().println(f));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.USER_ERROR;
        }
    }
}
