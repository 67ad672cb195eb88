package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.FigureModel;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.easycv4j.core.runner.hooks.TensorboardLoggerHook;
import org.easycv4j.core.runner.hooks.TextLoggerHook;
import org.easycv4j.core.tensorboard.proto.DataType;
import org.easycv4j.core.tensorboard.proto.Event;
import org.easycv4j.core.tensorboard.proto.Summary;
import org.easycv4j.core.testing.EventFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorboardLoggerHookTest {
    private static final String HOOKS = "log_config.hooks=[{type=TextLoggerHook}, {type=TensorboardLoggerHook}]";

    /** One scalar as read back: where it was written and its value. */
    record Scalar(String tag, long step, float value) {}

    @Test
    void scalarsEqualMetricsJsonlAcrossAResume(@TempDir Path dir) throws Exception {
        TrainRuns.runner(dir, HOOKS, "total_epochs=2").train(false);
        List<Path> first = eventFiles(dir);
        assertEquals(1, first.size(), "one event file per start: " + first);
        TrainRuns.runner(dir, HOOKS, "total_epochs=4", "resume_from=\"" + dir.resolve("epoch_2") + "\"")
                .train(false);
        List<Path> files = eventFiles(dir);
        assertEquals(2, files.size(), "the resumed start adds a file beside the first: " + files);

        List<Scalar> fromJsonl = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(TextLoggerHook.JSON_LOG))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            String mode = o.get("mode").getAsString();
            long step = o.get("global_iter").getAsLong();
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                boolean position = List.of("mode", "epoch", "iter", "global_iter").contains(e.getKey());
                if (!position && e.getValue().getAsJsonPrimitive().isNumber()) {
                    String tag = e.getKey().equals("lr") ? "learning_rate" : mode + "/" + e.getKey();
                    fromJsonl.add(new Scalar(tag, step, e.getValue().getAsFloat()));
                }
            }
        }
        // 4 epochs of 4 iterations, a line each: loss, lr, time, data_time, memory per line.
        assertEquals(16 * 5, fromJsonl.size(), fromJsonl.toString());

        List<Scalar> fromEvents = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        long lastStepOfFirst = 0;
        for (Path f : files) {
            List<Event> events = EventFiles.read(f);
            assertEquals("brain.Event:2", events.get(0).getFileVersion(), f + ": the version record comes first");
            for (Event e : events.subList(1, events.size())) {
                for (Summary.Value v : e.getSummary().getValueList()) {
                    switch (v.getValueCase()) {
                        case SIMPLE_VALUE -> fromEvents.add(new Scalar(v.getTag(), e.getStep(), v.getSimpleValue()));
                        case TENSOR -> {
                            assertEquals("text", v.getMetadata().getPluginData().getPluginName());
                            assertEquals(DataType.DT_STRING, v.getTensor().getDtype());
                            texts.add(v.getTag() + "@" + e.getStep() + ":"
                                    + v.getTensor().getStringVal(0).toString(StandardCharsets.UTF_8));
                        }
                        default -> throw new AssertionError("unexpected value " + v);
                    }
                }
            }
            if (f.equals(files.get(0))) {
                lastStepOfFirst = fromEvents.get(fromEvents.size() - 1).step();
            }
        }
        assertEquals(fromJsonl, fromEvents, "the same tags, steps and (float) values, in order");
        assertEquals(8, lastStepOfFirst, "2 epochs of 4 iterations");
        assertEquals(9, fromEvents.get(8 * 5).step(), "the resumed start continues the steps, not from 1");
        assertEquals(2, texts.size(), "the resolved config once per start: " + texts);
        assertTrue(texts.get(0).startsWith("config@0:") && texts.get(0).contains("\"total_epochs\"=2"), texts.get(0));
        assertTrue(texts.get(1).startsWith("config@8:") && texts.get(1).contains("\"total_epochs\"=4"), texts.get(1));
    }

    @Test
    void validationMetricsAreTaggedVal(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            RunContext c = new RunContext(dir, 3, 5, 1);
            RunServices services = RunServices.builder().setManager(manager).build();
            TextLoggerHook text = new TextLoggerHook(0);
            TensorboardLoggerHook tb = new TensorboardLoggerHook(Optional.of(dir.resolve("tb")), 0, 1, 4);
            new Hooks(List.of(text, tb)).setUp(services, c);
            c.setEpoch(1);
            c.setIteration(4, 9);
            services.publishValMetrics(Map.of("top1", 0.625, "knn_top1", 0.5));
            tb.afterRun(c);
            text.afterRun(c);
        }
        List<Path> files = EventFiles.list(dir.resolve("tb"));
        assertEquals(1, files.size());
        List<Event> events = EventFiles.read(files.get(0));
        List<String> got = new ArrayList<>();
        for (Event e : events.subList(1, events.size())) {
            Summary.Value v = e.getSummary().getValue(0);
            got.add(v.getTag() + "@" + e.getStep() + "=" + v.getSimpleValue());
        }
        got.sort(null);
        assertEquals(List.of("val/knn_top1@10=0.5", "val/top1@10=0.625"), got);
    }

    /** Draws each image's first value as a grey pixel, one per row: the figure shows which images it got. */
    static final class DrawingModel implements TaskModel, FigureModel {
        @Override
        public Block block() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Shape[] inputShapes(int batchSize) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StepOutput forward(ParameterStore parameters, Batch batch, boolean training) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String figureName() {
            return "drawing";
        }

        @Override
        public BufferedImage figure(NDManager manager, NDArray images) {
            float[] v = images.toFloatArray();
            int n = (int) images.getShape().get(0);
            int per = v.length / n;
            BufferedImage img = new BufferedImage(1, n, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < n; i++) {
                int g = Math.round(v[i * per]);
                img.setRGB(0, i, g << 16 | g << 8 | g);
            }
            return img;
        }
    }

    /** Images (n, 1, 2, 2) whose first values are {@code first}, {@code first + 1}, ... */
    private static Batch batch(NDManager m, int n, int first) {
        float[] v = new float[n * 4];
        for (int i = 0; i < n; i++) {
            v[4 * i] = first + i;
        }
        return new Batch(new NDList(m.create(v, new Shape(n, 1, 2, 2))), new NDList(), n);
    }

    /** The grey levels of each image summary's PNG, by step. */
    private static Map<Long, List<Integer>> figures(Path dir) throws IOException {
        Map<Long, List<Integer>> out = new java.util.TreeMap<>();
        for (Path f : EventFiles.list(dir)) {
            for (Event e : EventFiles.read(f)) {
                for (Summary.Value v : e.getSummary().getValueList()) {
                    if (v.getValueCase() == Summary.Value.ValueCase.IMAGE) {
                        assertEquals("drawing", v.getTag());
                        BufferedImage img = ImageIO.read(v.getImage().getEncodedImageString().newInput());
                        assertEquals(img.getHeight(), v.getImage().getHeight());
                        assertEquals(img.getWidth(), v.getImage().getWidth());
                        List<Integer> greys = new ArrayList<>();
                        for (int y = 0; y < img.getHeight(); y++) {
                            greys.add(img.getRGB(0, y) & 0xff);
                        }
                        out.put(e.getStep(), greys);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The figure of the first batch's first images every image_interval epochs and after the last; the images
     * travel in the checkpoint, so a resumed start draws the same ones.
     */
    @Test
    void theFigureOfTheFirstBatchEveryImageIntervalEpochsAlsoAfterAResume(@TempDir Path dir) throws Exception {
        Path tb = dir.resolve("tb");
        DrawingModel model = new DrawingModel();
        Map<String, NDArray> saved;
        try (NDManager m = NDManager.newBaseManager()) {
            RunContext c = new RunContext(dir, 5, 3, 1);
            TensorboardLoggerHook hook = new TensorboardLoggerHook(Optional.of(tb), 0, 2, 2);
            new Hooks(List.of(hook)).setUp(RunServices.builder().setManager(m).optModel(model).build(), c);
            hook.beforeRun(c);
            for (int epoch = 0; epoch < 3; epoch++) {
                c.setEpoch(epoch);
                for (int it = 0; it < 3; it++) {
                    c.setIteration(it, epoch * 3L + it);
                    try (Batch b = batch(m, 4, 10 * (epoch * 3 + it) + 1)) {
                        c.setLastBatch(b);
                        hook.afterIter(c);
                    }
                }
                hook.afterEpoch(c);
            }
            saved = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : hook.checkpointTensors().entrySet()) {
                saved.put(e.getKey(), e.getValue().duplicate());
                saved.get(e.getKey()).detach();
            }
            hook.afterRun(c);
        }
        assertEquals(Map.of(6L, List.of(1, 2)), figures(tb), "epoch 2 of 5 (step 6), the first 2 of the first batch");

        try (NDManager m = NDManager.newBaseManager()) {
            RunContext c = new RunContext(dir, 5, 3, 1);
            TensorboardLoggerHook hook = new TensorboardLoggerHook(Optional.of(tb), 0, 2, 2);
            Map<String, NDArray> restored = new java.util.LinkedHashMap<>();
            saved.forEach((k, v) -> {
                restored.put(k, v);
                v.attach(m);
            });
            hook.restore(restored);
            new Hooks(List.of(hook)).setUp(RunServices.builder().setManager(m).optModel(model).build(), c);
            hook.beforeRun(c);
            for (int epoch = 3; epoch < 5; epoch++) {
                c.setEpoch(epoch);
                for (int it = 0; it < 3; it++) {
                    c.setIteration(it, epoch * 3L + it);
                    try (Batch b = batch(m, 4, 100 + epoch * 3 + it)) {
                        c.setLastBatch(b);
                        hook.afterIter(c);
                    }
                }
                hook.afterEpoch(c);
            }
            hook.afterRun(c);
        }
        assertEquals(Map.of(6L, List.of(1, 2), 12L, List.of(1, 2), 15L, List.of(1, 2)), figures(tb),
                "epoch 4 and the last, 5, of the same images after the resume");
    }

    private static List<Path> eventFiles(Path workDir) throws IOException {
        return EventFiles.list(workDir.resolve("tf_logs"));
    }

    @Test
    void crcOfTheCheckValue() {
        // CRC-32C of "123456789" is 0xE3069283 (RFC 3720's check value): the hand-written reader's CRC is right.
        int crc = Integer.rotateLeft(EventFiles.masked("123456789".getBytes(StandardCharsets.US_ASCII)) - 0xa282ead8, 15);
        assertEquals(0xE3069283, crc);
    }
}
