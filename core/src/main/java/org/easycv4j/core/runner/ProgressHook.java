package org.easycv4j.core.runner;

import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.util.Durations;
import org.easycv4j.core.config.ConfigNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows training progress: a bar with rate and ETA on a terminal, or, when output goes to a file or CI
 * log, a line with the same figures every {@code periodSeconds}.
 */
public final class ProgressHook implements Hook {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressHook.class);

    /** How progress is shown. */
    public enum Mode { BAR, LOG, OFF }

    /** The config's {@code progress}: a {@link Mode}, or AUTO to choose by whether a console is attached. */
    public enum Setting { AUTO, BAR, LOG, OFF }

    private Mode mode;
    private final double periodSeconds;
    private ProgressBar bar;
    private BarRow row;
    private java.io.PrintStream console;
    private long lastLogNanos;
    private long firstIter = -1;
    private long firstNanos;

    /** @param mode how to show progress; null: the run's {@code progress} setting decides, at set-up */
    public ProgressHook(Mode mode, double periodSeconds) {
        this.mode = mode;
        this.periodSeconds = periodSeconds;
    }

    /** {@code default_hooks.progress}: {@code period_seconds} between log lines when no bar is drawn. */
    public record Settings(double periodSeconds) {
        public static Settings fromConfig(ConfigNode n) {
            double period = n.number("period_seconds", 30);
            n.check(period > 0, "period_seconds", "expected seconds > 0, got " + period);
            return new Settings(period);
        }
    }

    @Override
    public void setUp(RunServices services) {
        if (mode == null) {
            mode = resolve(services.experiment().progress());
        }
    }

    /** {@code auto}: a bar when a console is attached, else log lines. */
    public static Mode resolve(Setting setting) {
        return switch (setting) {
            case BAR -> Mode.BAR;
            case LOG -> Mode.LOG;
            case OFF -> Mode.OFF;
            case AUTO -> System.console() != null ? Mode.BAR : Mode.LOG;
        };
    }

    @Override
    public boolean rootOnly() {
        return true;
    }

    @Override
    public int priority() {
        return VERY_LOW;
    }

    /** The bar as this hook draws it, to the consumer a caller adds. */
    static ProgressBarBuilder builder(long maxIters) {
        return new ProgressBarBuilder().setTaskName("train").setInitialMax(maxIters)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().setUnit(" it", 1)
                .continuousUpdate();
    }

    /** The bar's tail; the library draws it right after the speed, so it brings its own space ("it/s epoch"). */
    static String extraMessage(int epoch, int maxEpochs, double lr) {
        return String.format(Locale.ROOT, " epoch %d/%d lr %.2e", epoch + 1, maxEpochs, lr);
    }

    @Override
    public void beforeRun(RunContext c) {
        if (mode == Mode.BAR) {
            // standard output, like the log lines: the launchers filter standard error line by line,
            // which would hold back a bar redrawn with carriage returns
            // log lines go to standard output too: they share the terminal through the bar's row, never its line
            console = System.out;
            row = new BarRow(console, new ConsoleProgressBarConsumer(console).getMaxRenderedLength());
            System.setOut(row.others());
            bar = builder(c.maxIters()).setConsumer(row.consumer()).build();
        }
        lastLogNanos = System.nanoTime();
    }

    @Override
    public void afterIter(RunContext c) {
        if (firstIter < 0) {
            firstIter = c.iter();
            firstNanos = System.nanoTime();
        }
        if (bar != null) {
            bar.stepTo(c.iter() + 1);
            bar.setExtraMessage(extraMessage(c.epoch(), c.maxEpochs(), c.lr()));
            return;
        }
        long now = System.nanoTime();
        if (mode == Mode.LOG && (now - lastLogNanos) / 1e9 >= periodSeconds) {
            lastLogNanos = now;
            long done = c.iter() - firstIter + 1;
            double rate = done / Math.max(1e-9, (now - firstNanos) / 1e9);
            LOG.info(String.format(Locale.ROOT, "progress: epoch %d/%d, iter %d/%d (%.1f%%), %.2f it/s, ETA %s",
                    c.epoch() + 1, c.maxEpochs(), c.iter() + 1, c.maxIters(), 100.0 * (c.iter() + 1) / c.maxIters(),
                    rate, Durations.hms(c.remainingIters() / rate)));
        }
    }

    @Override
    public void afterRun(RunContext c) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        if (row != null) {
            System.setOut(console);
            row = null;
        }
    }
}
