package org.easycv4j.models.mae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.models.vit.BlockStack;
import org.easycv4j.models.vit.Inits;
import org.easycv4j.models.vit.LayerNormLayer;
import org.easycv4j.models.vit.LinearLayer;
import org.easycv4j.models.vit.SinCos;
import org.easycv4j.models.vit.Step;
import org.easycv4j.models.vit.VitBlock;
import org.easycv4j.models.vit.VitEncoder;

/**
 * The MAE network with the reference implementation's parameter names. Input: images (N, C, H, W) and,
 * optionally, the masking noise (N, L) (uniform in [0, 1); drawn when absent). Output: the loss, the
 * prediction (N, L, p·p·C) and the mask (N, L; 1 = removed), as in the reference's forward.
 *
 * <p>{@code pos_embed} and {@code decoder_pos_embed} are fixed sin-cos tables: parameters created with
 * {@code requiresGrad = false}, so they are saved in checkpoints under their timm names but get no gradient
 * and are skipped by the optimizers.
 */
public final class MaeNetwork extends VitEncoder {
    private final MaeSettings settings;
    private final Parameter maskToken;
    private final Parameter decoderPosEmbed;
    private final LinearLayer decoderEmbed;
    private final BlockStack decoderBlocks;
    private final LayerNormLayer decoderNorm;
    private final LinearLayer decoderPred;

    public MaeNetwork(MaeSettings s) {
        super(s.encoder(), true, Inits.normal(0.02f), true, null, Inits::xavierUniform, true);
        this.settings = s;
        int dd = s.decoderEmbedDim();
        int grid = s.encoder().gridSize();
        maskToken = param("mask_token", new Shape(1, 1, dd), Inits.normal(0.02f), true);
        decoderPosEmbed = param("decoder_pos_embed", new Shape(1, s.encoder().numPatches() + 1, dd),
                Inits.fixed(SinCos.embedding(dd, grid, true)), false);
        decoderEmbed = addChildBlock("decoder_embed", new LinearLayer(s.encoder().embedDim(), dd));
        List<VitBlock> list = new ArrayList<>();
        for (int i = 0; i < s.decoderDepth(); i++) {
            list.add(new VitBlock(dd, s.decoderNumHeads(), s.encoder().mlpRatio(), 0.0, Inits::xavierUniform));
        }
        decoderBlocks = addChildBlock("decoder_blocks", new BlockStack(list));
        decoderNorm = addChildBlock("decoder_norm", new LayerNormLayer(dd));
        int p = s.encoder().patchSize();
        decoderPred = addChildBlock("decoder_pred", new LinearLayer(dd, (long) p * p * s.encoder().inChans()));
    }

    public MaeSettings settings() {
        return settings;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray images = inputs.get(0);
        Step s = begin(store, images, training);
        long n = images.getShape().get(0);
        int l = vit.numPatches();
        int keep = settings.keptPatches();
        NDArray noise;
        if (inputs.size() > 1) {
            noise = inputs.get(1);
            if (!noise.getShape().equals(new Shape(n, l))) {
                throw new IllegalArgumentException("expected masking noise of shape (" + n + ", " + l + "), got "
                        + noise.getShape());
            }
        } else {
            noise = s.manager().randomUniform(0f, 1f, new Shape(n, l), DataType.FLOAT32);
        }

        // Encoder on the visible patches.
        NDArray pos = s.param(posEmbed);
        NDArray x = patchEmbed.apply(s, images).add(s.own(pos.get(":, 1:, :")));
        long d = vit.embedDim();
        NDArray idsShuffle = noise.argSort(1);
        NDArray idsRestore = idsShuffle.argSort(1);
        NDArray idsKeep = idsShuffle.get(":, :" + keep);
        x = x.gather(idsKeep.expandDims(-1).broadcast(n, keep, d), 1);
        NDArray mask = idsRestore.gte(keep).toType(s.dataType(), false);
        NDArray cls = s.own(s.param(clsToken).add(s.own(pos.get(":, :1, :"))));
        x = NDArrays.concat(new NDList(cls.broadcast(n, 1, d), x), 1);
        x = norm.apply(s, blocks.apply(s, x));

        // Decoder on all positions: mask tokens for the removed ones, then back to the original order.
        x = s.full(decoderEmbed.apply(s, x));
        long dd = settings.decoderEmbedDim();
        NDArray tokens = s.own(s.param(maskToken).broadcast(n, l - keep, dd));
        NDArray rest = NDArrays.concat(new NDList(x.get(":, 1:, :"), tokens), 1);
        rest = rest.gather(idsRestore.expandDims(-1).broadcast(n, l, dd), 1);
        x = NDArrays.concat(new NDList(x.get(":, :1, :"), rest), 1).add(s.param(decoderPosEmbed));
        x = decoderNorm.apply(s, decoderBlocks.apply(s, x));
        NDArray pred = s.full(decoderPred.apply(s, x)).get(":, 1:, :");

        NDArray loss = loss(s, images, pred, mask);
        return new NDList(loss, pred, mask);
    }

    /** Mean squared error per patch against the (optionally per-patch normalized) pixels, over removed patches. */
    private NDArray loss(Step s, NDArray images, NDArray pred, NDArray mask) {
        NDArray target = patchify(images, vit.patchSize());
        if (settings.normPixLoss()) {
            long dim = target.getShape().get(2);
            NDArray mean = target.mean(new int[] {-1}, true);
            NDArray centered = target.sub(mean);
            // Unbiased variance, as torch.var's default.
            NDArray var = centered.square().sum(new int[] {-1}, true).div(s.scalar(dim - 1));
            target = centered.div(var.add(s.scalar(1e-6)).sqrt());
        }
        NDArray perPatch = pred.sub(target).square().mean(new int[] {-1});
        return perPatch.mul(mask).sum().div(mask.sum());
    }

    /** (N, C, H, W) → (N, L, p·p·C), patches row-major, each patch ordered (row, column, channel). */
    public static NDArray patchify(NDArray images, int p) {
        Shape s = images.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long g = s.get(2) / p;
        return images.reshape(n, c, g, p, g, p).transpose(0, 2, 4, 3, 5, 1).reshape(n, g * g, (long) p * p * c);
    }

    /** The inverse of {@link #patchify}, for showing reconstructions. */
    public static NDArray unpatchify(NDArray patches, int p, int channels) {
        Shape s = patches.getShape();
        long n = s.get(0);
        long g = Math.round(Math.sqrt(s.get(1)));
        return patches.reshape(n, g, g, p, p, channels).transpose(0, 5, 1, 3, 2, 4).reshape(n, channels, g * p, g * p);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        int p = vit.patchSize();
        long l = vit.numPatches();
        return new Shape[] {new Shape(), new Shape(n, l, (long) p * p * vit.inChans()), new Shape(n, l)};
    }
}
