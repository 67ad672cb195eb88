package org.easycv4j.models.cls;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.easycv4j.models.vit.Inits;
import org.easycv4j.models.vit.LayerNormLayer;
import org.easycv4j.models.vit.LinearLayer;
import org.easycv4j.models.vit.Step;
import org.easycv4j.models.vit.VitFeatures;
import org.easycv4j.models.vit.VitEncoder;

/**
 * timm's VisionTransformer as the MAE repo fine-tunes it: learned {@code pos_embed}, blocks with drop path,
 * then either global average pooling of the patch tokens + {@code fc_norm} (no {@code norm}) or the cls token
 * after {@code norm}; linear {@code head}. Initialization as timm: Linear weights and tokens truncated normal
 * (std 0.02), the head with {@code head_init_std} (2e-5, MAE repo), LayerNorm 1/0. Input: images; output: logits
 * (N, classes).
 *
 * <p>With {@code frozen_stages} the first stages are frozen ({@link VitEncoder#freezeStages}); with all of them
 * (linear probing) {@code fc_norm} too. With {@code head_bn} the head is the MAE repository's linear-probe head
 * ({@link ProbeHead}), whose BatchNorm uses batch statistics in training and running ones in evaluation.
 */
public final class ClassifierNetwork extends VitEncoder {
    private final boolean globalPool;
    private final LayerNormLayer fcNorm;
    private final LinearLayer head;
    private final ProbeHead probeHead;
    private final int numClasses;

    public ClassifierNetwork(ViTClassifierSettings s) {
        super(s.encoder(), false, Inits.truncNormal(0.02f), false, Inits.truncNormal(0.02f),
                (in, out) -> Inits.truncNormal(0.02f), !s.globalPool());
        this.globalPool = s.globalPool();
        int dim = s.encoder().embedDim();
        fcNorm = globalPool ? addChildBlock("fc_norm", new LayerNormLayer(dim)) : null;
        numClasses = s.numClasses();
        if (s.headBn()) {
            head = null;
            probeHead = addChildBlock("head", new ProbeHead(dim, s.numClasses(), s.headInitStd()));
        } else {
            head = addChildBlock("head", new LinearLayer(dim, s.numClasses(),
                    Inits.truncNormal((float) s.headInitStd())));
            probeHead = null;
        }
        freezeStages(s.frozenStages());
        if (fcNorm != null && s.frozenStages() == s.encoder().depth()) {
            fcNorm.freezeParameters(true);
        }
    }

    public boolean globalPool() {
        return globalPool;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray images = inputs.get(0);
        Step s = begin(store, images, training);
        NDArray feature = feature(s, images);
        NDArray logits = probeHead != null ? probeHead.apply(s, feature) : head.apply(s, feature);
        return new NDList(s.full(logits));
    }

    /**
     * The features the head sees, in evaluation mode (no drop path), float32 (N, D): the frozen features of probes
     * such as the kNN monitor.
     */
    public NDArray features(ParameterStore store, NDArray images) {
        Step s = begin(store, images, false);
        return s.full(feature(s, images));
    }

    /** The head's input: fc_norm of the mean patch token (global pooling) or the cls token after norm. */
    private NDArray feature(Step s, NDArray images) {
        NDArray x = VitFeatures.tokens(this, s, images);
        return globalPool
                ? fcNorm.apply(s, x.get(":, 1:, :").mean(new int[] {1}))
                : norm.apply(s, x).get(":, 0, :");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }
}
