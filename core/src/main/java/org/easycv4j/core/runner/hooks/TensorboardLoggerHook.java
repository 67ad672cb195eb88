package org.easycv4j.core.runner.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.FigureModel;
import org.easycv4j.core.optim.ParamGroupTable;
import org.easycv4j.core.runner.CheckpointedHook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.runner.RunServices;
import org.easycv4j.core.tensorboard.EventFileWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EasyCV's (mmcv's) TensorBoard logger: every record {@link TextLoggerHook} logs (a line of {@code metrics.jsonl})
 * becomes scalars of the same values in an event file of {@code WORK_DIR/tf_logs}, tagged {@code <mode>/<key>}
 * ({@code train/loss}, {@code train/time}, {@code val/top1}) at the record's {@code global_iter}, the learning rate
 * as mmcv's {@code learning_rate} (and each param group's lr when they differ); the resolved configuration as text; and, for a model that draws one
 * ({@link FigureModel}: MAE's reconstructions), the figure of a fixed batch every {@code imageInterval} epochs. Taking the text logger's records, instead
 * of summing losses again, keeps the two logs equal by construction and the device reads where they were.
 *
 * <p>Rank 0 only. The file is flushed after every record (every log interval) and closed when the run ends; a
 * resumed run adds a new file to the same folder, where TensorBoard reads it as the continuation of the run.
 *
 * <p>The figure's images are the first {@code numImages} of the run's first training batch; they go into every
 * checkpoint ({@link #FILE}), so that a resumed run draws the same images and its figures compare with the earlier
 * ones.
 */
public final class TensorboardLoggerHook implements CheckpointedHook {
    /**
     * {@code log_config.hooks = [{type = TextLoggerHook}, {type = TensorboardLoggerHook}]}.
     *
     * @param logDir the event files' folder (default {@code WORK_DIR/tf_logs})
     * @param interval iterations between training records; 0 (default) writes every line of the text logger
     * @param imageInterval epochs between figures of a model that draws one (MAE's reconstructions), and after the
     *     last; 0 draws none
     * @param numImages images of the first training batch in the figure
     */
    public record Settings(Optional<Path> logDir, int interval, int imageInterval, int numImages) {
        public static Settings fromConfig(ConfigNode node) {
            return new Settings(node.path("log_dir"), node.integerAtLeast("interval", 0, 0),
                    node.integerAtLeast("image_interval", 1, 0), node.integerAtLeast("num_images", 4, 1));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TensorboardLoggerHook.class);
    /** The default folder inside the work dir (EasyCV's). */
    public static final String FOLDER = "tf_logs";
    /** The text summary's tag of the resolved configuration. */
    public static final String CONFIG_TAG = "config";
    /** The record's keys that say where it belongs, not what was measured. */
    static final Set<String> POSITION = Set.of("mode", "epoch", "iter", "global_iter");
    /** The checkpoint file with the figure's images. */
    public static final String FILE = "tensorboard_figure.safetensors";
    private static final String IMAGES = "images";

    private final Optional<Path> logDir;
    private final int interval;
    private final int imageInterval;
    private final int numImages;
    private EventFileWriter writer;
    private boolean gotRecord;
    /** Tag to lr scale of each param group whose lr differs (layer-wise decay, lr_mult); empty for one lr. */
    private Map<String, Double> lrGroups = Map.of();
    /** The figure's images, on the run's manager; null until the first batch (or for a model without figure). */
    private NDArray images;

    /**
     * @param logDir the event files' folder; empty: {@code WORK_DIR/tf_logs}
     * @param interval iterations between training records written; 0 writes every one the text logger logs
     * @param imageInterval epochs between figures (and after the last); 0 draws none
     * @param numImages images in the figure
     */
    public TensorboardLoggerHook(Optional<Path> logDir, int interval, int imageInterval, int numImages) {
        this.logDir = logDir;
        this.interval = interval;
        this.imageInterval = imageInterval;
        this.numImages = numImages;
    }

    /** The tag of a record's value: mmcv's {@code learning_rate} for the lr, {@code <mode>/<key>} otherwise. */
    public static String tag(String mode, String key) {
        return key.equals("lr") ? "learning_rate" : mode + "/" + key;
    }

    private RunServices services;

    @Override
    public boolean rootOnly() {
        return true;
    }

    /** After the text logger, whose records it writes (an initial evaluation's among them). */
    @Override
    public int priority() {
        return VERY_LOW + 1;
    }

    /**
     * The param groups' lr tags and scales: {@code learning_rate/layer_<id>} when each layer id has one scale (the
     * layer-wise decay of fine-tuning), else {@code learning_rate/group_<k>} over the distinct (layer, scale)
     * pairs; empty when every trainable parameter has the same lr, which {@code learning_rate} already shows.
     */
    static Map<String, Double> lrGroups(ParamGroupTable table) {
        Map<Integer, java.util.Set<Double>> byLayer = new java.util.TreeMap<>();
        for (ParamGroupTable.Row r : table.rows()) {
            if (r.trainable()) {
                byLayer.computeIfAbsent(r.layerId(), k -> new java.util.TreeSet<>()).add(r.lrScale());
            }
        }
        long distinct = byLayer.values().stream().flatMap(java.util.Set::stream).distinct().count();
        if (distinct <= 1) {
            return Map.of();
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        boolean perLayer = byLayer.values().stream().allMatch(s -> s.size() == 1);
        int k = 0;
        for (Map.Entry<Integer, java.util.Set<Double>> e : byLayer.entrySet()) {
            for (double scale : e.getValue()) {
                out.put("learning_rate/" + (perLayer ? "layer_" + e.getKey() : "group_" + k++), scale);
            }
        }
        return out;
    }

    @Override
    public void setUp(RunServices services) {
        this.services = services;
    }

    @Override
    public void beforeRun(RunContext c) {
        services.paramGroups().ifPresent(table -> lrGroups = lrGroups(table));
        open(c);
        if (!services.resolvedConfig().isEmpty()) {
            try {
                // Indented as code: the text plugin renders Markdown.
                writer.text(CONFIG_TAG, c.startIter(), services.resolvedConfig().indent(4));
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
        gotRecord = true;
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
                    if (e.getKey().equals("lr")) {
                        for (Map.Entry<String, Double> g : lrGroups.entrySet()) {
                            writer.scalar(g.getKey(), step, v.doubleValue() * g.getValue());
                        }
                    }
                }
            }
            writer.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Keeps the figure's images from the run's first batch: one copy on the device, once. */
    @Override
    public void afterIter(RunContext c) {
        if (images != null || imageInterval == 0 || !(services.model() instanceof FigureModel) || c.lastBatch() == null) {
            return;
        }
        NDArray batch = c.lastBatch().inputs().get(0);
        long n = Math.min(numImages, batch.getShape().get(0));
        images = batch.get(new NDIndex("0:{}", n)).duplicate();
        images.attach(services.manager());
    }

    @Override
    public void afterEpoch(RunContext c) {
        int done = c.epoch() + 1;
        if (images == null || !(services.model() instanceof FigureModel model) || !c.epochDue(imageInterval)) {
            return;
        }
        open(c);
        try (NDManager scope = services.manager().newSubManager()) {
            BufferedImage figure = model.figure(scope, images);
            writer.image(model.figureName(), (long) done * c.itersPerEpoch(), figure);
            writer.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public String checkpointFile() {
        return FILE;
    }

    @Override
    public Map<String, NDArray> checkpointTensors() {
        return images == null ? Map.of() : Map.of(IMAGES, images);
    }

    @Override
    public void restore(Map<String, NDArray> tensors) {
        if (!tensors.containsKey(IMAGES)) {
            throw new IllegalStateException("the checkpoint's " + FILE + " lacks " + IMAGES);
        }
        tensors.forEach((k, v) -> {
            if (!k.equals(IMAGES)) {
                v.close();
            }
        });
        images = tensors.get(IMAGES);
    }

    /** A checkpoint without the file (no figure, or written without this hook): the next batch gives the images. */
    @Override
    public void restoreAbsent(Path checkpoint) {}

    @Override
    public void afterRun(RunContext c) {
        if (!gotRecord && c.iter() > c.startIter()) {
            LOG.warn("TensorboardLoggerHook writes the lines of a TextLoggerHook and got none: add "
                    + "{type = TextLoggerHook} to log_config.hooks");
        }
        if (images != null) {
            images.close();
            images = null;
        }
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
