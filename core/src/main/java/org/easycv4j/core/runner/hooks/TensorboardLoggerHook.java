package org.easycv4j.core.runner.hooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.tensorboard.EventFileWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EasyCV's (mmcv's) TensorBoard logger: every record {@link TextLoggerHook} logs (a line of {@code metrics.jsonl})
 * becomes scalars of the same values in an event file of {@code WORK_DIR/tf_logs}, tagged {@code <mode>/<key>}
 * ({@code train/loss}, {@code train/time}, {@code val/top1}) at the record's {@code global_iter}, the learning rate
 * as mmcv's {@code learning_rate}; the resolved configuration as text. Taking the text logger's records, instead
 * of summing losses again, keeps the two logs equal by construction and the device reads where they were.
 *
 * <p>Rank 0 only. The file is flushed after every record (every log interval) and closed when the run ends; a
 * resumed run adds a new file to the same folder, where TensorBoard reads it as the continuation of the run.
 */
public final class TensorboardLoggerHook implements Hook {
    private static final Logger LOG = LoggerFactory.getLogger(TensorboardLoggerHook.class);
    /** The default folder inside the work dir (EasyCV's). */
    public static final String FOLDER = "tf_logs";
    /** The text summary's tag of the resolved configuration. */
    public static final String CONFIG_TAG = "config";
    /** The record's keys that say where it belongs, not what was measured. */
    static final Set<String> POSITION = Set.of("mode", "epoch", "iter", "global_iter");

    private final Optional<Path> logDir;
    private final int interval;
    private EventFileWriter writer;

    /**
     * @param logDir the event files' folder; empty: {@code WORK_DIR/tf_logs}
     * @param interval iterations between training records written; 0 writes every one the text logger logs
     */
    public TensorboardLoggerHook(Optional<Path> logDir, int interval) {
        this.logDir = logDir;
        this.interval = interval;
    }

    /** The tag of a record's value: mmcv's {@code learning_rate} for the lr, {@code <mode>/<key>} otherwise. */
    public static String tag(String mode, String key) {
        return key.equals("lr") ? "learning_rate" : mode + "/" + key;
    }

    @Override
    public boolean rootOnly() {
        return true;
    }

    /** After the text logger, whose records it writes (an initial evaluation's among them). */
    @Override
    public int priority() {
        return VERY_LOW + 1;
    }

    @Override
    public void beforeRun(RunContext c) {
        open(c);
        if (!c.resolvedConfig().isEmpty()) {
            try {
                // Indented as code: the text plugin renders Markdown.
                writer.text(CONFIG_TAG, c.startIter(), c.resolvedConfig().indent(4));
                writer.flush();
            } catch (IOException e) {
                throw failure(e);
            }
        }
    }

    /** Opened when first needed: a hook earlier in {@code beforeRun} may already log (an initial evaluation). */
    private void open(RunContext c) {
        if (writer != null) {
            return;
        }
        Path dir = logDir.orElse(c.workDir().resolve(FOLDER));
        try {
            writer = EventFileWriter.create(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a TensorBoard event file in " + dir + ": " + e.getMessage(),
                    e);
        }
        LOG.info("TensorBoard: {} (tensorboard --logdir {})", writer.file(), dir);
    }

    @Override
    public void afterLog(RunContext c, Map<String, Object> record) {
        String mode = String.valueOf(record.get("mode"));
        if (interval > 0 && mode.equals("train") && record.get("iter") instanceof Number it
                && it.intValue() % interval != 0 && it.intValue() != c.itersPerEpoch()) {
            return;
        }
        open(c);
        long step = record.get("global_iter") instanceof Number n ? n.longValue() : c.iter() + 1;
        try {
            for (Map.Entry<String, Object> e : record.entrySet()) {
                if (!POSITION.contains(e.getKey()) && e.getValue() instanceof Number v) {
                    writer.scalar(tag(mode, e.getKey()), step, v.doubleValue());
                }
            }
            writer.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void afterRun(RunContext c) {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
        } catch (IOException e) {
            throw failure(e);
        }
        writer = null;
    }

    private UncheckedIOException failure(IOException e) {
        return new UncheckedIOException("cannot write the TensorBoard event file " + writer.file() + ": "
                + e.getMessage(), e);
    }
}
