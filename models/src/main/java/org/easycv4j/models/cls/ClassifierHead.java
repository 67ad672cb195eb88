package org.easycv4j.models.cls;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.easycv4j.models.vit.Inits;
import org.easycv4j.models.vit.LayerNormLayer;
import org.easycv4j.models.vit.LinearLayer;
import org.easycv4j.models.vit.ScriptWriter;
import org.easycv4j.models.vit.Step;
import org.easycv4j.models.vit.VisionTransformer;
import org.easycv4j.models.vit.VitHead;

/**
 * timm's classification head as the MAE repository fine-tunes it: global average pooling of the patch tokens
 * + {@code fc_norm} (the encoder then has no final {@code norm}) or the cls token after {@code norm}; then the
 * linear {@code head} (truncated normal with {@code head_init_std}) or, with {@code head_bn}, the MAE
 * repository's linear-probe head ({@link ProbeHead}). Input of the network: images; output: logits (N, classes).
 */
public final class ClassifierHead implements VitHead {
    private final boolean globalPool;
    private final int numClasses;
    private final LayerNormLayer fcNorm;
    private final LinearLayer linear;
    private final ProbeHead probe;

    /** The classifier of {@code s}: its encoder and head, frozen as {@code frozen_stages} says. */
    public static VisionTransformer<ClassifierHead> network(ViTClassifierSettings s) {
        VisionTransformer<ClassifierHead> net = VisionTransformer.builder()
                .setSettings(s.encoder())
                .setInit(VisionTransformer.Init.TIMM)
                .optFinalNorm(!s.globalPool())
                .build(slots -> new ClassifierHead(slots, s));
        net.freezeStages(s.frozenStages());
        if (s.frozenStages() == s.encoder().depth()) {
            // Linear probing: the whole encoder is frozen, and fc_norm replaces its final norm.
            net.head().freezeNorm();
        }
        return net;
    }

    private ClassifierHead(VisionTransformer.Slots slots, ViTClassifierSettings s) {
        globalPool = s.globalPool();
        numClasses = s.numClasses();
        int dim = slots.settings().embedDim();
        fcNorm = globalPool ? slots.layer("fc_norm", new LayerNormLayer(dim)) : null;
        if (s.headBn()) {
            linear = null;
            probe = slots.layer("head", new ProbeHead(dim, numClasses, s.headInitStd()));
        } else {
            linear = slots.layer("head", new LinearLayer(dim, numClasses, Inits.truncNormal((float) s.headInitStd())));
            probe = null;
        }
    }

    public boolean globalPool() {
        return globalPool;
    }

    private void freezeNorm() {
        if (fcNorm != null) {
            fcNorm.freezeParameters(true);
        }
    }

    /**
     * timm's {@code forward_head} on the encoder's tokens: with {@code preLogits} the features the head's layer
     * sees (N, D), fc_norm of the mean patch token (global pooling) or the cls token; else the logits.
     */
    public NDArray forwardHead(Step s, NDArray tokens, boolean preLogits) {
        NDArray f = globalPool ? fcNorm.apply(s, tokens.get(":, 1:, :").mean(new int[] {1})) : tokens.get(":, 0, :");
        if (preLogits) {
            return f;
        }
        return probe != null ? probe.apply(s, f) : linear.apply(s, f);
    }

    @Override
    public NDList forward(VisionTransformer<?> vit, Step s, NDList inputs) {
        NDArray images = inputs.get(0);
        return new NDList(s.full(forwardHead(s, vit.forwardFeatures(s, images), false)));
    }

    @Override
    public Shape[] outputShapes(VisionTransformer<?> vit, Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }

    /** {@link #forwardHead} in inference, after the encoder's features. */
    @Override
    public String script(VisionTransformer<?> vit, ScriptWriter w, String images) {
        String h = vit.scriptFeatures(w, images);
        String f = globalPool
                ? fcNorm.script(w, w.let("torch.mean(torch.slice(" + h + ", 1, 1, 9223372036854775807), [1])"))
                : w.let("torch.select(" + h + ", 1, 0)");
        return probe != null ? probe.script(w, f) : linear.script(w, f);
    }

    @Override
    public String scriptOutput(VisionTransformer<?> vit) {
        return probe != null
                ? "logits (N, classes) of the linear probe (BatchNorm with its running statistics, then linear)"
                : "logits (N, classes)";
    }
}
