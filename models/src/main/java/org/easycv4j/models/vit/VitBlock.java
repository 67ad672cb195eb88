package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.OptionalDouble;
import java.util.function.BiFunction;

/**
 * A pre-norm transformer block: {@code x + drop_path(attn(norm1(x)))}, then
 * {@code x + drop_path(mlp(norm2(x)))}; children named {@code norm1, attn, norm2, mlp} as in timm. With layer
 * scale (DeiT III, EasyCV's {@code use_layer_scale}) each branch is first multiplied channel-wise by a learned
 * {@code gamma_1} / {@code gamma_2} (EasyCV's names), initialized to the {@code init_scale}.
 */
public final class VitBlock extends Layer {
    private final Parameter gamma1;
    private final Parameter gamma2;
    private final LayerNormLayer norm1;
    private final Attention attn;
    private final LayerNormLayer norm2;
    private final Mlp mlp;
    private final double dropPath;
    private boolean frozen;

    /** A block with softmax attention and no layer scale. */
    public VitBlock(int dim, int heads, double mlpRatio, double dropPath,
            BiFunction<Long, Long, Initializer> linearInit) {
        this(dim, heads, mlpRatio, dropPath, Attention.Kind.SOFTMAX, OptionalDouble.empty(), linearInit);
    }

    /** @param layerScale the initial gamma of layer scale; empty: no layer scale */
    public VitBlock(int dim, int heads, double mlpRatio, double dropPath, Attention.Kind attention,
            OptionalDouble layerScale, BiFunction<Long, Long, Initializer> linearInit) {
        this.dropPath = dropPath;
        if (layerScale.isPresent()) {
            Initializer init = Inits.constant((float) layerScale.getAsDouble());
            gamma1 = param("gamma_1", new Shape(dim), init, true);
            gamma2 = param("gamma_2", new Shape(dim), init, true);
        } else {
            gamma1 = null;
            gamma2 = null;
        }
        norm1 = addChildBlock("norm1", new LayerNormLayer(dim));
        attn = addChildBlock("attn", new Attention(dim, heads, attention, linearInit));
        norm2 = addChildBlock("norm2", new LayerNormLayer(dim));
        mlp = addChildBlock("mlp", new Mlp(dim, (int) (dim * mlpRatio), linearInit));
    }

    public double dropPath() {
        return dropPath;
    }

    public Attention attention() {
        return attn;
    }

    /**
     * Partial fine-tuning: no gradient for the block's parameters and no drop path, as a frozen block in eval
     * mode (mmpretrain's {@code frozen_stages}).
     */
    public void freeze() {
        freezeParameters(true);
        frozen = true;
    }

    public NDArray apply(Step s, NDArray x) {
        x = x.add(dropPath(s, scaled(s, gamma1, attn.apply(s, norm1.apply(s, x)))));
        return x.add(dropPath(s, scaled(s, gamma2, mlp.apply(s, norm2.apply(s, x)))));
    }

    /** {@link #apply} in inference (no drop path). */
    public String script(ScriptWriter w, String x) {
        String x1 = w.let("torch.add(" + x + ", " + scaled(w, gamma1, attn.script(w, norm1.script(w, x))) + ")");
        return w.let("torch.add(" + x1 + ", " + scaled(w, gamma2, mlp.script(w, norm2.script(w, x1))) + ")");
    }

    private static NDArray scaled(Step s, Parameter gamma, NDArray branch) {
        // The branch first: a parameter-first result would land on the model's manager.
        return gamma == null ? branch : branch.mul(s.param(gamma));
    }

    private static String scaled(ScriptWriter w, Parameter gamma, String branch) {
        return gamma == null ? branch : w.let("torch.mul(" + w.param(gamma) + ", " + branch + ")");
    }

    /** Stochastic depth per sample: zero a sample's branch with probability p, scale survivors by 1/(1-p). */
    private NDArray dropPath(Step s, NDArray branch) {
        if (!s.training() || frozen || dropPath == 0) {
            return branch;
        }
        double keep = 1 - dropPath;
        long n = branch.getShape().get(0);
        NDArray mask = s.manager().randomUniform(0f, 1f, new Shape(n, 1, 1), s.dataType())
                .add(s.scalar(keep)).floor().div(s.scalar(keep));
        return branch.mul(mask);
    }
}
