package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.function.BiFunction;
import org.easycv4j.core.engine.TorchOps;

/** Multi-head self-attention with one fused {@code qkv} projection (with bias) and an output {@code proj}. */
public final class Attention extends Layer {
    private final LinearLayer qkv;
    private final LinearLayer proj;
    private final int dim;
    private final int heads;
    private final double scale;

    public Attention(int dim, int heads, BiFunction<Long, Long, Initializer> linearInit) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
        }
        this.dim = dim;
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
        // Split, not three index selections: each selection's backward fills a zero tensor of the whole packed
        // size and copies its slice in (three per layer), while a split's backward is one concatenation.
        NDList qkvParts = packed.split(3, 0);
        NDArray q = qkvParts.get(0).squeeze(0);
        NDArray k = qkvParts.get(1).squeeze(0);
        NDArray v = qkvParts.get(2).squeeze(0);
        NDArray out;
        if (s.fusedAttention()) {
            // One kernel (flash / memory-efficient on CUDA, a fused loop on CPU) with the same 1/sqrt(head_dim)
            // scale, in the matrix-product type; it keeps its softmax statistics in float32 itself.
            out = TorchOps.get().scaledDotProductAttention(q, k, v);
        } else {
            // Products in the matrix-product type, softmax in float32 (as autocast).
            NDArray attn = s.half(s.full(q.mul(s.scalar(scale)).matMul(k.transpose(0, 1, 3, 2))).softmax(-1));
            out = attn.matMul(v);
        }
        return proj.apply(s, out.transpose(0, 2, 1, 3).reshape(b, t, d));
    }

    /** {@link #apply} in inference (unfused: the same function). */
    public String script(ScriptWriter w, String x) {
        String b = w.let("torch.size(" + x + ", 0)");
        String t = w.let("torch.size(" + x + ", 1)");
        String packed = qkv.script(w, x);
        String parts = w.let("torch.permute(torch.reshape(" + packed + ", [" + b + ", " + t + ", 3, " + heads + ", "
                + dim / heads + "]), [2, 0, 3, 1, 4])");
        String q = w.let("torch.mul(torch.select(" + parts + ", 0, 0), " + ScriptWriter.number(scale) + ")");
        String k = w.let("torch.select(" + parts + ", 0, 1)");
        String v = w.let("torch.select(" + parts + ", 0, 2)");
        String attn = w.let("torch.softmax(torch.matmul(" + q + ", torch.transpose(" + k + ", -2, -1)), -1)");
        String out = w.let("torch.reshape(torch.transpose(torch.matmul(" + attn + ", " + v + "), 1, 2), [" + b + ", "
                + t + ", " + dim + "])");
        return proj.script(w, out);
    }
}
