package org.easycv4j.models.mae;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.ModelExport;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.models.cls.PretrainedReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MAE pretraining as a task: {@code batch.inputs()} = images and optionally the masking noise (N, L);
 * labels are ignored. Outputs: {@code [pred (N, L, p·p·C), mask (N, L)]}.
 */
public final class MaeModel implements TaskModel {
    private static final Logger LOG = LoggerFactory.getLogger(MaeModel.class);
    private final MaeNetwork network;

    public MaeModel(MaeSettings settings) {
        this.network = new MaeNetwork(settings);
    }

    @Override
    public Block block() {
        return network;
    }

    public MaeNetwork network() {
        return network;
    }

    /** MAE learns from the images alone. */
    @Override
    public boolean trainsOnLabels() {
        return false;
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

    /** Loads {@code pretrained} when configured (see {@link MaePretrainedLoader}) and logs what was loaded. */
    @Override
    public void afterInitialize(NDManager manager) throws IOException {
        Optional<Path> pretrained = network.settings().pretrained();
        if (pretrained.isPresent()) {
            PretrainedReport report = MaePretrainedLoader.load(pretrained.get(), this, manager);
            LOG.info("pretrained {}: {}", pretrained.get(), report.summary());
        }
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
}
