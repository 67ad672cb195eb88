package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.function.BiFunction;

/** Multi-head self-attention with one fused {@code qkv} projection (with bias) and an output {@code proj}. */
public final class Attention extends Layer {
    private final LinearLayer qkv;
    private final LinearLayer proj;
    private final int heads;
    private final double scale;

    public Attention(int dim, int heads, BiFunction<Long, Long, Initializer> linearInit) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.scale = 1.0 / Math.sqrt(dim / heads);
        qkv = addChildBlock("qkv", new LinearLayer(dim, 3L * dim, linearInit.apply((long) dim, 3L * dim)));
        proj = addChildBlock("proj", new LinearLayer(dim, dim, linearInit.apply((long) dim, (long) dim)));
    }

    public NDArray apply(Step s, NDArray x) {
        Shape shape = x.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        long d = shape.get(2);
        long hd = d / heads;
        NDArray packed = qkv.apply(s, x).reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = packed.get(0).mul(s.scalar(scale));
        NDArray k = packed.get(1);
        NDArray v = packed.get(2);
        // Products in the matrix-product type, softmax in float32 (as autocast).
        NDArray attn = s.half(s.full(q.matMul(k.transpose(0, 1, 3, 2))).softmax(-1));
        NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
        return proj.apply(s, out);
    }
}
