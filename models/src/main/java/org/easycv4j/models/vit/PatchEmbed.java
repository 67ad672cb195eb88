package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.Initializer;

/**
 * Patch embedding: a convolution with kernel = stride = patch size (child {@code proj}), flattened to
 * (N, L, D) with patches in row-major order.
 */
public final class PatchEmbed extends Layer {
    private final Proj proj;
    private final int patch;

    /**
     * @param xavier MAE's init (Xavier-uniform on the flattened (D, C·p·p) weight); otherwise PyTorch's default
     *     Conv2d init (as timm's ViT leaves it)
     */
    public PatchEmbed(int inChans, int dim, int patch, boolean xavier) {
        this.patch = patch;
        long fanIn = (long) inChans * patch * patch;
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        proj = addChildBlock("proj", new Proj(inChans, dim, patch,
                xavier ? Inits.xavierUniform(fanIn, dim) : Inits.uniform(bound), Inits.uniform(bound)));
    }

    public NDArray apply(Step s, NDArray images) {
        NDArray y = Conv2d.conv2d(s.half(images), s.half(s.param(proj.weight)), s.half(s.param(proj.bias)),
                new Shape(patch, patch), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
        return s.full(y.flatten(2, 3).transpose(0, 2, 1));
    }

    /** {@link #apply} in inference. */
    public String script(ScriptWriter w, String images) {
        String y = w.let("torch.conv2d(" + images + ", " + w.param(proj.weight) + ", " + w.param(proj.bias) + ", "
                + ScriptWriter.ints(patch, patch) + ", [0, 0], [1, 1], 1)");
        return w.let("torch.transpose(torch.flatten(" + y + ", 2), 1, 2)");
    }

    /** The convolution's parameters, under the name {@code proj} as in timm. */
    static final class Proj extends Layer {
        final Parameter weight;
        final Parameter bias;

        Proj(int inChans, int dim, int patch, Initializer weightInit, Initializer biasInit) {
            weight = param("weight", new Shape(dim, inChans, patch, patch), weightInit, true);
            bias = param("bias", new Shape(dim), biasInit, true);
        }
    }
}
