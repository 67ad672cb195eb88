package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.function.BiFunction;

/**
 * A pre-norm transformer block: {@code x + drop_path(attn(norm1(x)))}, then
 * {@code x + drop_path(mlp(norm2(x)))}; children named {@code norm1, attn, norm2, mlp} as in timm.
 */
public final class VitBlock extends Layer {
    private final LayerNormLayer norm1;
    private final Attention attn;
    private final LayerNormLayer norm2;
    private final Mlp mlp;
    private final double dropPath;
    private boolean frozen;

    public VitBlock(int dim, int heads, double mlpRatio, double dropPath,
            BiFunction<Long, Long, Initializer> linearInit) {
        this.dropPath = dropPath;
        norm1 = addChildBlock("norm1", new LayerNormLayer(dim));
        attn = addChildBlock("attn", new Attention(dim, heads, linearInit));
        norm2 = addChildBlock("norm2", new LayerNormLayer(dim));
        mlp = addChildBlock("mlp", new Mlp(dim, (int) (dim * mlpRatio), linearInit));
    }

    public double dropPath() {
        return dropPath;
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
        x = x.add(dropPath(s, attn.apply(s, norm1.apply(s, x))));
        return x.add(dropPath(s, mlp.apply(s, norm2.apply(s, x))));
    }

    /** {@link #apply} in inference (no drop path). */
    public String script(ScriptWriter w, String x) {
        String x1 = w.let("torch.add(" + x + ", " + attn.script(w, norm1.script(w, x)) + ")");
        return w.let("torch.add(" + x1 + ", " + mlp.script(w, norm2.script(w, x1)) + ")");
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
