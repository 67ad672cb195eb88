package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.easycv4j.core.engine.TorchOps;

/**
 * The parts of a ViT that sit at the top level of timm's name space ({@code cls_token}, {@code pos_embed},
 * {@code patch_embed.*}, {@code blocks.i.*}, {@code norm.*}); MAE and the classifier extend it.
 *
 * <p>Drop path increases linearly from 0 in the first block to {@code drop_path_rate} in the last.
 */
public abstract class VitEncoder extends Layer {
    protected final VitSettings vit;
    protected final Parameter clsToken;
    protected final Parameter posEmbed;
    protected final PatchEmbed patchEmbed;
    protected final BlockStack blocks;
    protected final LayerNormLayer norm;
    /** The type of matrix products under mixed precision (FLOAT16, BFLOAT16); null: the input's type. */
    protected DataType autocast;

    /**
     * @param fixedPosEmbed true: pos_embed holds the sin-cos values and is not trainable (MAE); false: a learned
     *     parameter initialized by {@code posInit}
     * @param withNorm false when the final norm is replaced by the classifier's fc_norm (global pooling)
     */
    protected VitEncoder(VitSettings vit, boolean xavierPatch, Initializer clsInit, boolean fixedPosEmbed,
            Initializer posInit, BiFunction<Long, Long, Initializer> linearInit, boolean withNorm) {
        this.vit = vit;
        int dim = vit.embedDim();
        clsToken = param("cls_token", new Shape(1, 1, dim), clsInit, true);
        Shape posShape = new Shape(1, vit.numPatches() + 1, dim);
        posEmbed = fixedPosEmbed
                ? param("pos_embed", posShape, Inits.fixed(SinCos.embedding(dim, vit.gridSize(), true)), false)
                : param("pos_embed", posShape, posInit, true);
        patchEmbed = addChildBlock("patch_embed", new PatchEmbed(vit.inChans(), dim, vit.patchSize(), xavierPatch));
        List<VitBlock> list = new ArrayList<>();
        for (int i = 0; i < vit.depth(); i++) {
            double rate = vit.depth() == 1 ? 0 : vit.dropPathRate() * i / (vit.depth() - 1);
            list.add(new VitBlock(dim, vit.numHeads(), vit.mlpRatio(), rate, linearInit));
        }
        blocks = addChildBlock("blocks", new BlockStack(list));
        norm = withNorm ? addChildBlock("norm", new LayerNormLayer(dim)) : null;
    }

    /**
     * mmpretrain's {@code frozen_stages}: {@code k >= 1} freezes {@code cls_token}, {@code pos_embed},
     * {@code patch_embed} and blocks 0..k-1; {@code k = depth} also the final {@code norm}. Call before
     * initialization; frozen parameters then never get a gradient, so the runner gives them no optimizer state.
     */
    protected void freezeStages(int k) {
        if (k < 1) {
            return;
        }
        clsToken.freeze(true);
        posEmbed.freeze(true);
        patchEmbed.freezeParameters(true);
        for (int i = 0; i < k; i++) {
            blocks.get(i).freeze();
        }
        if (k == vit.depth() && norm != null) {
            norm.freezeParameters(true);
        }
    }

    /** Runs matrix products in {@code type} (FLOAT16 or BFLOAT16 for mixed precision, FLOAT32 for none). */
    public void setAutocast(DataType type) {
        if (type != DataType.FLOAT32 && type != DataType.FLOAT16 && type != DataType.BFLOAT16) {
            throw new IllegalArgumentException("matrix products run in float32, float16 or bfloat16, not " + type);
        }
        if (type == DataType.BFLOAT16 && !TorchOps.available()) {
            throw new IllegalArgumentException("bfloat16 matrix products need the PyTorch engine");
        }
        this.autocast = type == DataType.FLOAT32 ? null : type;
    }

    public VitSettings vitSettings() {
        return vit;
    }

    /** The encoder blocks ({@code blocks.i}). */
    public BlockStack blocks() {
        return blocks;
    }

    /**
     * Starts a forward pass over {@code images}: checks their shape and returns the pass's {@link Step}, with
     * this network's mixed-precision setting.
     */
    protected Step begin(ParameterStore store, NDArray images, boolean training) {
        checkImages(images);
        return new Step(store, images, training, autocast, vit.fusedAttn().fuses(images.getDevice()));
    }

    /** Checks an input batch against the configured image shape, naming what was expected. */
    private void checkImages(NDArray images) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != vit.inChans() || s.get(2) != vit.imgSize()
                || s.get(3) != vit.imgSize()) {
            throw new IllegalArgumentException("expected images of shape (N, " + vit.inChans() + ", " + vit.imgSize()
                    + ", " + vit.imgSize() + "), got " + s);
        }
    }
}
