package org.easycv4j.tools.plot;

import java.io.IOException;
import java.nio.file.Files;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code custom_hooks = [{type = PlotHook}]} (set in {@code configs/_base_/runtime/default_runtime.conf}): when
 * the run ends, renders {@code WORK_DIR/metrics.jsonl} to {@code WORK_DIR/plots/*.png}. A plotting failure is
 * logged, never fails the run that produced the weights.
 */
public final class PlotHook implements Hook {
    private static final Logger LOG = LoggerFactory.getLogger(PlotHook.class);
    private final int width;
    private final int height;

    public PlotHook(int width, int height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public boolean rootOnly() {
        return true;
    }

    @Override
    public int priority() {
        return VERY_LOW + 5; // after the text logger has written its last line
    }

    @Override
    public void afterRun(RunContext c) {
        if (!Files.isRegularFile(c.workDir().resolve(MetricsLog.FILE))) {
            LOG.warn("no {} in {}: nothing to plot (add a TextLoggerHook to log_config.hooks)", MetricsLog.FILE,
                    c.workDir());
            return;
        }
        try {
            var files = Plots.render(c.workDir(), c.workDir().resolve(Plots.FOLDER), width, height);
            LOG.info("plots: {}", files);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not render the plots of {}: {}", c.workDir(), e.toString());
        }
    }
}
