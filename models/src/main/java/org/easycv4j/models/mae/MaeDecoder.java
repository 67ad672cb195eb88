package org.easycv4j.models.mae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.easycv4j.models.vit.BlockStack;
import org.easycv4j.models.vit.Inits;
import org.easycv4j.models.vit.LayerNormLayer;
import org.easycv4j.models.vit.LinearLayer;
import org.easycv4j.models.vit.ScriptWriter;
import org.easycv4j.models.vit.SinCos;
import org.easycv4j.models.vit.Step;
import org.easycv4j.models.vit.VisionTransformer;
import org.easycv4j.models.vit.VitBlock;
import org.easycv4j.models.vit.VitHead;

/**
 * The MAE decoder with the reference implementation's names ({@code mask_token}, {@code decoder_pos_embed},
 * {@code decoder_embed}, {@code decoder_blocks.i}, {@code decoder_norm}, {@code decoder_pred}), around the
 * encoder of its {@link VisionTransformer}. Input of the network: images (N, C, H, W) and, optionally, the
 * masking noise (N, L) (uniform in [0, 1); drawn when absent). Output: the loss, the prediction (N, L, p·p·C) and
 * the mask (N, L; 1 = removed), as in the reference's forward. The encoder runs on the visible patches through
 * the same embedding and blocks as every other use of it; only the masking between them is MAE's.
 *
 * <p>{@code pos_embed} and {@code decoder_pos_embed} are fixed sin-cos tables: parameters created with
 * {@code requiresGrad = false}, so they are saved in checkpoints under their timm names but get no gradient
 * and are skipped by the optimizers.
 */
public final class MaeDecoder implements VitHead {
    private final MaeSettings settings;
    private final Parameter maskToken;
    private final Parameter decoderPosEmbed;
    private final LinearLayer decoderEmbed;
    private final BlockStack decoderBlocks;
    private final LayerNormLayer decoderNorm;
    private final LinearLayer decoderPred;

    /** The MAE network of {@code s}: its encoder (MAE's initialization, with the final norm) and this decoder. */
    public static VisionTransformer<MaeDecoder> network(MaeSettings s) {
        return VisionTransformer.builder()
                .setSettings(s.encoder())
                .setInit(VisionTransformer.Init.MAE)
                .build(slots -> new MaeDecoder(slots, s));
    }

    private MaeDecoder(VisionTransformer.Slots slots, MaeSettings s) {
        this.settings = s;
        int dd = s.decoderEmbedDim();
        int grid = s.encoder().gridSize();
        maskToken = slots.param("mask_token", new Shape(1, 1, dd), Inits.normal(0.02f), true);
        decoderPosEmbed = slots.param("decoder_pos_embed", new Shape(1, s.encoder().numPatches() + 1, dd),
                Inits.fixed(SinCos.embedding(dd, grid, true)), false);
        decoderEmbed = slots.layer("decoder_embed", new LinearLayer(s.encoder().embedDim(), dd));
        List<VitBlock> list = new ArrayList<>();
        for (int i = 0; i < s.decoderDepth(); i++) {
            list.add(new VitBlock(dd, s.decoderNumHeads(), s.encoder().mlpRatio(), 0.0, Inits::xavierUniform));
        }
        decoderBlocks = slots.layer("decoder_blocks", new BlockStack(list));
        decoderNorm = slots.layer("decoder_norm", new LayerNormLayer(dd));
        int p = s.encoder().patchSize();
        decoderPred = slots.layer("decoder_pred", new LinearLayer(dd, (long) p * p * s.encoder().inChans()));
    }

    public MaeSettings settings() {
        return settings;
    }

    @Override
    public NDList forward(VisionTransformer<?> vit, Step s, NDList inputs) {
        NDArray images = inputs.get(0);
        long n = images.getShape().get(0);
        int l = settings.encoder().numPatches();
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

        // Encoder on the visible patches: the lowest-noise ones.
        NDArray x = vit.embedPatches(s, images);
        long d = settings.encoder().embedDim();
        NDArray idsShuffle = noise.argSort(1);
        NDArray idsRestore = idsShuffle.argSort(1);
        NDArray idsKeep = idsShuffle.get(":, :" + keep);
        x = x.gather(idsKeep.expandDims(-1).broadcast(n, keep, d), 1);
        NDArray mask = idsRestore.gte(keep).toType(s.dataType(), false);
        x = vit.forwardEncoder(s, x);

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
        NDArray target = patchify(images, settings.encoder().patchSize());
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
    public Shape[] outputShapes(VisionTransformer<?> vit, Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        int p = settings.encoder().patchSize();
        long l = settings.encoder().numPatches();
        return new Shape[] {new Shape(), new Shape(n, l, (long) p * p * settings.encoder().inChans()), new Shape(n, l)};
    }

    /** The export serves the encoder as a feature extractor: every token after the final norm, unmasked. */
    @Override
    public String script(VisionTransformer<?> vit, ScriptWriter w, String images) {
        return vit.scriptFeatures(w, images);
    }

    @Override
    public String scriptOutput(VisionTransformer<?> vit) {
        return "features (N, 1 + " + settings.encoder().numPatches() + ", " + settings.encoder().embedDim()
                + "): the cls token then the patch tokens after the final norm";
    }
}
