package org.easycv4j.tools;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.engine.TorchOps;
import org.easycv4j.core.model.MixedPrecision;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.LossScaleSettings;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.ParamGroups;
import org.easycv4j.core.optim.ParamRule;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.runner.TrainStep;
import org.easycv4j.core.util.Sinusoids;

/**
 * One model set up for timing, as the train loop runs it: initialized on a device, AdamW with the reference's
 * two weight-decay groups, the loss scaler for fp16, clipping to 1.0, synthetic batches fed the way the loader
 * feeds them. Shared by {@code bench-model} and {@code gpu-check}, so both time the same step.
 */
final class BenchRig implements AutoCloseable {
    static final String TINY_MAE = "type = MAE, embed_dim = 192, depth = 12, num_heads = 3, "
            + "decoder_embed_dim = 128, decoder_depth = 4, decoder_num_heads = 4, norm_pix_loss = true, ";

    /** Mixed precision; lower case as typed on the command line (picocli matches constants by name). */
    enum Amp { none, fp16, bf16 }

    final TaskModel model;
    final NDManager manager;
    final List<NamedParameter> trainable;
    final TrainStep trainStep;
    final SyntheticBatches data;
    final int batch;
    final double lr;
    private final boolean labelled;
    private final int classes;

    /**
     * @param uint8 batches as bytes normalized by the engine on the device (the loader's default), else float32
     */
    BenchRig(TaskModel model, Device device, int batch, Amp amp, double lr, boolean uint8) {
        this.model = model;
        this.batch = batch;
        this.lr = lr;
        this.manager = NDManager.newBaseManager(device);
        model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(batch));
        trainable = model.namedParameters().stream().filter(p -> p.parameter().requiresGradient()).toList();
        // The reference's groups: no decay for 1-D parameters and the tokens, 0.05 for the rest.
        ParamGroups groups = new ParamGroups(0.05, List.of(new ParamRule(Pattern.compile("token$"),
                OptionalDouble.empty(), OptionalDouble.of(0.0), OptionalDouble.empty())), true, Set.of(), 1.0);
        AdamW optimizer = new AdamW(new AdamWSettings(lr, 0.9, 0.95, 1e-8, 0.05, groups, 0));
        optimizer.init(trainable, model.layerIds(), manager);
        MixedPrecision precision = MixedPrecision.of(amp.name());
        Optional<LossScaler> scaler = precision.scalesLoss()
                ? Optional.of(new LossScaler(LossScaleSettings.DEFAULT, manager)) : Optional.empty();
        model.setAutocast(precision.matmulType());
        // The train loop's own step: one batch per optimizer step, clipping to 1.0.
        trainStep = new TrainStep(model, trainable, optimizer, scaler, Optional.empty(), 1, 1.0, Integer.MAX_VALUE);
        Shape inputShape = model.inputShapes(batch)[0];
        int channels = (int) inputShape.get(1);
        int size = (int) inputShape.get(2);
        data = new SyntheticBatches(Sinusoids.images(32, channels, size, 42), batch, channels, size, uint8);
        labelled = model.trainsOnLabels();
        classes = labelled ? (int) model.block().getOutputShapes(model.inputShapes(batch))[0].get(1) : 0;
    }

    /** The result of one step: the loss (an array on the device, not read) and the norm the update read. */
    record Step(NDArray loss, double gradNorm) {}

    /**
     * One full training step in {@code step} (a sub-manager of {@link #manager}): the next synthetic batch,
     * forward, backward, clipping, AdamW, zeroing. {@code extraInputs} go to the model after the images (the
     * MAE's masking noise); {@code afterForward} runs between forward and backward.
     */
    Step step(NDManager step, List<NDArray> extraInputs, Runnable afterForward) {
        NDArray loss = trainStep.forwardBackward(step, batch(step, fill(), extraInputs), afterForward);
        double norm = trainStep.update(step);
        return new Step(loss, norm);
    }

    /**
     * Fills the reused buffer with the next synthetic batch, as the loader's workers do ahead of a step; returns
     * its labels.
     */
    long[] fill() {
        return data.next(classes);
    }

    /** The filled batch as the model's input in {@code step}: the images, then {@code extraInputs}; the labels. */
    Batch batch(NDManager step, long[] labels, List<NDArray> extraInputs) {
        NDList inputs = new NDList(data.toEngine(step));
        inputs.addAll(extraInputs);
        NDList labelList = labelled ? new NDList(step.create(labels)) : new NDList();
        return new Batch(inputs, labelList, batch);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** A preset ({@code tiny224}, {@code small32}) or a config file's {@code model} object, with {@code sets}. */
    static TaskModel buildModel(String target, List<String> sets, int batch) {
        ExperimentLoader loader = new ExperimentLoader();
        ExperimentLoader.Part part = switch (target) {
            case "tiny224", "small32" -> {
                Config model = ConfigFactory.parseString(TINY_MAE + (target.equals("tiny224")
                        ? "img_size = 224, patch_size = 16" : "img_size = 32, patch_size = 4"));
                for (String kv : sets) {
                    model = ConfigFactory.parseString(kv).withFallback(model);
                }
                yield loader.part(ConfigFactory.empty().withValue("model", model.root()));
            }
            default -> {
                Path file = Path.of(target);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("\"" + target
                            + "\" is neither a preset (tiny224, small32) nor a config file");
                }
                // --set names keys of the model; timing needs no trained weights, so a fine-tune config's
                // pretrained file need not exist here
                List<String> overrides = new java.util.ArrayList<>(sets.stream().map(kv -> "model." + kv).toList());
                overrides.add("model.pretrained = null");
                yield loader.loadPart(file, overrides, System.getProperties());
            }
        };
        Spec<TaskModel> spec = part.component("model", TaskModel.KIND);
        return spec.create(new BuildContext(Path.of("."), 0, batch, false));
    }

    /**
     * Batches from the synthetic images in a reused direct buffer, as the loader hands them over: uint8 bytes
     * that the engine converts and normalizes on the device (to a GPU through page-locked memory without
     * blocking the host, as the loader sends them), or normalized float32.
     */
    static final class SyntheticBatches {
        // The images lie in about [-3, 3]: bytes map to -3 + 6 * b / 255.
        private static final float LOW = -3f;
        private static final float RANGE = 6f;
        private final byte[][] bytes;
        private final float[][] floats;
        private final int batch;
        private final Shape shape;
        private final boolean uint8;
        private final ByteBuffer buffer;
        private final SplittableRandom pick = new SplittableRandom(0);
        private NDArray scale;
        private NDArray shift;

        SyntheticBatches(float[][] images, int batch, int channels, int size, boolean uint8) {
            this.batch = batch;
            this.uint8 = uint8;
            this.shape = new Shape(batch, channels, size, size);
            this.floats = images;
            this.bytes = new byte[images.length][];
            for (int i = 0; i < images.length; i++) {
                bytes[i] = new byte[images[i].length];
                for (int j = 0; j < images[i].length; j++) {
                    float v = (images[i][j] - LOW) / RANGE * 255f;
                    bytes[i][j] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
            int per = channels * size * size;
            buffer = ByteBuffer.allocateDirect(batch * per * (uint8 ? 1 : Float.BYTES)).order(ByteOrder.nativeOrder());
        }

        /** Fills the buffer with a random batch; returns its labels (sample index mod classes). */
        long[] next(int classes) {
            long[] labels = new long[batch];
            for (int i = 0; i < batch; i++) {
                int k = pick.nextInt(floats.length);
                if (uint8) {
                    buffer.put(i * bytes[k].length, bytes[k]);
                } else {
                    buffer.asFloatBuffer().put(i * floats[k].length, floats[k]);
                }
                labels[i] = k % Math.max(1, classes);
            }
            return labels;
        }

        /** The batch as a float32 array on the manager's device (the loader's path: {@link TorchOps#uint8ToDevice}). */
        NDArray toEngine(NDManager step) {
            ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
            if (!uint8) {
                return step.create(view, shape, DataType.FLOAT32);
            }
            if (scale == null) {
                NDManager parent = step.getParentManager();
                scale = parent.full(new Shape(), RANGE / 255f, DataType.FLOAT32, step.getDevice());
                shift = parent.full(new Shape(), LOW, DataType.FLOAT32, step.getDevice());
            }
            NDArray raw = TorchOps.uint8ToDevice(step, view, shape, scale);
            return raw.toType(DataType.FLOAT32, false).muli(scale).addi(shift);
        }
    }
}
