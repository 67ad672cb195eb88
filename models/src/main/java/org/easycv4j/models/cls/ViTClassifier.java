package org.easycv4j.models.cls;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.LoadReport;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.model.ScriptModule;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.models.interop.CheckpointNames;
import org.easycv4j.models.vit.Step;
import org.easycv4j.models.vit.VisionTransformer;
import org.easycv4j.models.vit.VitLayerIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fine-tuning classifier (EasyCV's ViT fine-tune model). Labels: int64 class indices (N), with optional
 * label smoothing, or float soft targets (N, C) from Mixup/CutMix; the loss is the (soft-target)
 * cross-entropy averaged over the batch, or the binary one of {@code loss_config} ({@link ClassifierLoss}).
 * Outputs: {@code [logits]}.
 */
public final class ViTClassifier implements TaskModel {
    private static final Logger LOG = LoggerFactory.getLogger(ViTClassifier.class);
    private final ViTClassifierSettings settings;
    private final VisionTransformer<ClassifierHead> network;

    public ViTClassifier(ViTClassifierSettings settings) {
        this.settings = settings;
        this.network = ClassifierHead.network(settings);
    }

    @Override
    public Block block() {
        return network;
    }

    public VisionTransformer<ClassifierHead> network() {
        return network;
    }

    @Override
    public java.util.OptionalInt numClasses() {
        return java.util.OptionalInt.of(settings.numClasses());
    }

    public ViTClassifierSettings settings() {
        return settings;
    }

    @Override
    public Shape[] inputShapes(int batchSize) {
        var v = settings.encoder();
        return new Shape[] {new Shape(batchSize, v.inChans(), v.imgSize(), v.imgSize())};
    }

    /**
     * How a pretrained encoder loads: the new {@code head} and {@code fc_norm} may be missing (or of another
     * shape: another number of classes); an MAE decoder and {@code mask_token}, and {@code norm} when global
     * pooling replaces it, are ignored; {@code pos_embed} is interpolated to another patch grid.
     */
    public LoadPolicy pretrainedPolicy() {
        boolean globalPool = settings.globalPool();
        return new LoadPolicy() {
            @Override
            public boolean mayBeMissing(String name, Set<String> fileKeys) {
                return name.startsWith("head.") || name.startsWith("fc_norm.");
            }

            @Override
            public boolean ignorable(String key) {
                return key.startsWith("decoder_") || key.equals("mask_token") || (globalPool && key.startsWith("norm."));
            }

            @Override
            public boolean unexpectedIsError() {
                return false;
            }

            @Override
            public NDArray adapt(String name, NDArray src, Shape target) {
                return name.equals("pos_embed") ? PosEmbedInterpolation.adapt(src, target) : null;
            }
        };
    }

    /** The MAE repository's layer ids of the encoder, for layer-wise lr decay in fine-tuning. */
    @Override
    public LayerIds layerIds() {
        return new VitLayerIds(settings.encoder().depth());
    }

    /** timm, MAE-repository, Hugging Face and EasyCV names (see {@link CheckpointNames}). */
    @Override
    public NameMapping nameMapping() {
        return CheckpointNames::toOurs;
    }

    /**
     * Loads the configured {@code pretrained} encoder, if any; call once after {@code block().initialize(...)}
     * and before training. Returns the report (also when nothing is configured: empty).
     */
    public LoadReport loadPretrained(NDManager manager) throws IOException {
        if (settings.pretrained().isEmpty()) {
            return LoadReport.none();
        }
        return loadPretrained(settings.pretrained().get(), manager);
    }

    /** Loads the encoder of {@code file}, a weights file or a checkpoint folder, under {@link #pretrainedPolicy()}. */
    public LoadReport loadPretrained(Path file, NDManager manager) throws IOException {
        return WeightLoader.load(file, namedParameters(), nameMapping(), pretrainedPolicy(), manager);
    }

    /** From normalized images to logits: the network's own TorchScript ({@link VisionTransformer#scriptModule}). */
    @Override
    public Optional<ScriptModule> scriptModule() {
        return Optional.of(network.scriptModule("ViTClassifier", namedParameters()));
    }

    /** Loads {@code pretrained} when configured and logs what was loaded, ignored and interpolated. */
    @Override
    public void afterInitialize(NDManager manager) throws IOException {
        if (settings.pretrained().isEmpty()) {
            return;
        }
        LoadReport report = loadPretrained(manager);
        LOG.info("pretrained {}: {}", settings.pretrained().get(), report.summary());
    }

    /** The head's own pooling: the mean patch token under fc_norm with global_pool, else the cls token after norm. */
    @Override
    public void checkFeatures(FeaturePooling pooling) {
        FeaturePooling own = settings.globalPool() ? FeaturePooling.AVG : FeaturePooling.CLS;
        if (pooling != FeaturePooling.DEFAULT && pooling != own) {
            throw new UnsupportedOperationException("ViTClassifier with global_pool = " + settings.globalPool()
                    + " has the features its head sees, pooled " + ConfigNode.configName(own) + ", not "
                    + ConfigNode.configName(pooling) + ": set pooling = default");
        }
    }

    /**
     * The features the head sees ({@link ClassifierHead#forwardHead} before its layer), in evaluation mode (no drop
     * path), float32 (N, D): the frozen features of probes such as the kNN monitor.
     */
    @Override
    public NDArray features(ParameterStore parameters, NDArray images, FeaturePooling pooling) {
        checkFeatures(pooling);
        Step s = network.begin(parameters, images, false);
        return s.full(network.head().forwardHead(s, network.forwardFeatures(s, images), true));
    }

    @Override
    public StepOutput forward(ParameterStore parameters, Batch batch, boolean training) {
        NDArray logits = network.forward(parameters, batch.inputs(), training).singletonOrThrow();
        NDArray loss = batch.labels().isEmpty() ? null : loss(logits, batch.labels().get(0));
        return new StepOutput(loss, new NDList(logits));
    }

    /** The configured loss ({@link ClassifierLoss}) with hard (int64 (N)) or soft (float (N, C)) targets. */
    NDArray loss(NDArray logits, NDArray labels) {
        NDManager m = logits.getManager();
        long classes = logits.getShape().get(1);
        NDArray target;
        if (labels.getDataType().isInteger()) {
            if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != logits.getShape().get(0)) {
                throw new IllegalArgumentException("expected int64 labels of shape (" + logits.getShape().get(0)
                        + "), got " + labels.getShape());
            }
            double eps = settings.labelSmoothing();
            target = labels.oneHot((int) classes).toType(logits.getDataType(), false);
            if (eps > 0) {
                target = target.mul(scalar(m, logits, 1 - eps)).add(scalar(m, logits, eps / classes));
            }
        } else {
            if (!labels.getShape().equals(logits.getShape())) {
                throw new IllegalArgumentException("expected soft targets of shape " + logits.getShape() + ", got "
                        + labels.getShape());
            }
            target = labels.getDataType() == logits.getDataType() ? labels : labels.toType(logits.getDataType(), false);
        }
        return settings.loss().compute(logits, target);
    }

    private static NDArray scalar(NDManager m, NDArray like, double v) {
        NDArray a = like.getDataType() == DataType.FLOAT64 ? m.create(v) : m.create((float) v);
        return a.toType(like.getDataType(), false);
    }

    @Override
    public void setAutocast(DataType type) {
        network.setAutocast(type);
    }
}
