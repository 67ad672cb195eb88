package org.easycv4j.models.mae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.LoadReport;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.model.FigureModel;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.ModelExport;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.model.ScriptModule;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.models.interop.CheckpointNames;
import org.easycv4j.models.vit.VisionTransformer;
import org.easycv4j.models.vit.VitLayerIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MAE pretraining as a task: {@code batch.inputs()} = images and optionally the masking noise (N, L);
 * labels are ignored. Outputs: {@code [pred (N, L, p·p·C), mask (N, L)]}.
 */
public final class MaeModel implements TaskModel, FigureModel {
    private static final Logger LOG = LoggerFactory.getLogger(MaeModel.class);
    private final VisionTransformer<MaeDecoder> network;

    public MaeModel(MaeSettings settings) {
        this.network = MaeDecoder.network(settings);
    }

    @Override
    public Block block() {
        return network;
    }

    public VisionTransformer<MaeDecoder> network() {
        return network;
    }

    public MaeSettings settings() {
        return network.head().settings();
    }

    /** MAE learns from the images alone. */
    @Override
    public boolean trainsOnLabels() {
        return false;
    }

    /** Patches per image: the length of the masking noise a batch may carry after its images. */
    public int numPatches() {
        return network.vitSettings().numPatches();
    }

    @Override
    public Shape[] inputShapes(int batchSize) {
        var v = network.vitSettings();
        return new Shape[] {new Shape(batchSize, v.inChans(), v.imgSize(), v.imgSize())};
    }

    /** The encoder as a backbone, under the names a ViT classifier (or timm's VisionTransformer) loads. */
    @Override
    public ModelExport export() {
        return new ModelExport(ModelExport.Task.BACKBONE,
                namedParameters().stream()
                        .filter(p -> !p.name().startsWith("decoder_") && !p.name().equals("mask_token"))
                        .toList());
    }

    /**
     * How MAE weights load: a checkpoint with its decoder (the MAE repository's {@code *_full.pth}, Hugging
     * Face's {@code ViTMAEForPreTraining}, EasyCV's MAE, ours) or an encoder only, whose decoder then stays as
     * initialized; the fixed sin-cos tables may be missing; a fine-tuned classifier's {@code head} and
     * {@code fc_norm} are ignored.
     */
    public static LoadPolicy pretrainedPolicy() {
        return new LoadPolicy() {
            @Override
            public boolean mayBeMissing(String name, Set<String> fileKeys) {
                boolean fileHasDecoder = fileKeys.stream().anyMatch(MaeModel::isDecoder);
                return name.equals("pos_embed") || name.equals("decoder_pos_embed")
                        || (!fileHasDecoder && isDecoder(name));
            }

            @Override
            public boolean ignorable(String key) {
                return key.startsWith("head.") || key.startsWith("fc_norm.");
            }

            @Override
            public boolean unexpectedIsError() {
                return false;
            }
        };
    }

    private static boolean isDecoder(String name) {
        return name.startsWith("decoder_") || name.equals("mask_token");
    }

    /** The encoder's layer ids (the MAE repository's); the decoder counts as after the last block. */
    @Override
    public LayerIds layerIds() {
        return new VitLayerIds(settings().encoder().depth());
    }

    /** timm, MAE-repository, Hugging Face and EasyCV names (see {@link CheckpointNames}). */
    @Override
    public NameMapping nameMapping() {
        return CheckpointNames::toOurs;
    }

    /** Loads {@code source} (a weights file or a checkpoint folder) under {@link #pretrainedPolicy()}. */
    public LoadReport loadPretrained(Path source, NDManager manager) throws IOException {
        return WeightLoader.load(source, namedParameters(), nameMapping(), pretrainedPolicy(), manager);
    }

    /** The encoder as a feature extractor: normalized images to every token after the final norm. */
    @Override
    public Optional<ScriptModule> scriptModule() {
        return Optional.of(network.scriptModule("MaeEncoder", export().parameters()));
    }

    /** Loads {@code pretrained} when configured and logs what was loaded. */
    @Override
    public void afterInitialize(NDManager manager) throws IOException {
        Optional<Path> pretrained = settings().pretrained();
        if (pretrained.isPresent()) {
            LoadReport report = loadPretrained(pretrained.get(), manager);
            LOG.info("pretrained {}: {}", pretrained.get(), report.summary());
        }
    }

    /**
     * {@code pooling = default} for MAE: the cls token after the final norm. It is what MAE's own probe of its
     * representation (linear probing) reads, what DINO's kNN monitor reads, and the token the pretrained
     * {@code norm} sees in every pretraining step; {@code avg} (the mean patch token, what fine-tuning's global pool
     * starts from) is the other choice.
     */
    public static final FeaturePooling DEFAULT_POOLING = FeaturePooling.CLS;

    /** Every pooling: cls or avg (default: {@link #DEFAULT_POOLING}). */
    @Override
    public void checkFeatures(FeaturePooling pooling) {}

    /** The encoder on all patches, unmasked, in evaluation mode (see {@link VisionTransformer#pooledFeatures}). */
    @Override
    public NDArray features(ParameterStore parameters, NDArray images, FeaturePooling pooling) {
        return network.pooledFeatures(parameters, images,
                pooling == FeaturePooling.DEFAULT ? DEFAULT_POOLING : pooling);
    }

    @Override
    public StepOutput forward(ParameterStore parameters, Batch batch, boolean training) {
        NDList out = network.forward(parameters, batch.inputs(), training);
        return new StepOutput(out.get(0), new NDList(out.get(1), out.get(2)));
    }

    @Override
    public void setAutocast(DataType type) {
        network.setAutocast(type);
    }

    /** The seed of the figure's masking noise: {@code tools/reconstruct}'s default, so its figures show the same. */
    public static final long FIGURE_SEED = 0;

    @Override
    public String figureName() {
        return "reconstruction";
    }

    /** {@link MaeFigure} of the images with masking noise from {@link #FIGURE_SEED}, each image contrast-stretched. */
    @Override
    public BufferedImage figure(NDManager manager, NDArray images) {
        MaeSettings s = settings();
        int n = (int) images.getShape().get(0);
        int l = numPatches();
        float[][] rows = MaeFigure.noise(FIGURE_SEED, n, l);
        float[] flat = new float[n * l];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, flat, i * l, l);
        }
        float[][] out = MaeFigure.reconstruct(this, manager, images, manager.create(flat, new Shape(n, l)), null);
        NDArray asFloat = images.toType(DataType.FLOAT32, true);
        asFloat.attach(manager);
        float[] originals = asFloat.toFloatArray();
        return MaeFigure.draw(originals, out[0], out[1], n, s.encoder().imgSize(), s.encoder().inChans(),
                s.encoder().patchSize(), MaeFigure.stretched(originals, n));
    }
}
