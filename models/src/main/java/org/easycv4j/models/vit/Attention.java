package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.function.BiFunction;
import org.easycv4j.core.engine.TorchOps;

/**
 * Self-attention with one fused {@code qkv} projection (with bias) and an output {@code proj}: multi-head
 * softmax attention, or EasyCV's hydra attention (same parameters).
 */
public final class Attention extends Layer {
    /** How the tokens attend to each other. */
    public enum Kind {
        /** softmax(q·kᵀ / sqrt(head_dim))·v per head. */
        SOFTMAX,
        /**
         * Hydra attention (Bolya et al. 2022, as EasyCV's {@code hydra}): as many heads as channels, q and k
         * L2-normalized over the channels, out = q ⊙ Σ_tokens (k ⊙ v); linear in the number of tokens.
         */
        HYDRA
    }

    private final LinearLayer qkv;
    private final LinearLayer proj;
    private final Kind kind;
    private final int dim;
    private final int heads;
    private final double scale;

    /** @param heads the heads of softmax attention; hydra attention has one per channel whatever it is */
    public Attention(int dim, int heads, Kind kind, BiFunction<Long, Long, Initializer> linearInit) {
        if (kind == Kind.SOFTMAX && dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
        }
        this.kind = kind;
        this.dim = dim;
        this.heads = kind == Kind.HYDRA ? dim : heads;
        this.scale = 1.0 / Math.sqrt(dim / this.heads);
        qkv = addChildBlock("qkv", new LinearLayer(dim, 3L * dim, linearInit.apply((long) dim, 3L * dim)));
        proj = addChildBlock("proj", new LinearLayer(dim, dim, linearInit.apply((long) dim, (long) dim)));
    }

    public Kind kind() {
        return kind;
    }

    public NDArray apply(Step s, NDArray x) {
        Shape shape = x.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        long d = shape.get(2);
        if (kind == Kind.HYDRA) {
            // (N, T, 3, D) -> three (N, T, D): one head per channel. Norms and sums in float32 (as autocast);
            // no softmax, so fused_attn has nothing to fuse here.
            NDList parts = s.full(qkv.apply(s, x)).reshape(b, t, 3, d).transpose(2, 0, 1, 3).split(3, 0);
            NDArray q = unitRows(parts.get(0).squeeze(0));
            NDArray k = unitRows(parts.get(1).squeeze(0));
            NDArray kv = k.mul(parts.get(2).squeeze(0)).sum(new int[] {-2}, true);
            return proj.apply(s, q.mul(kv));
        }
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

    /** Each row divided by its L2 norm over the last axis (torch's {@code q / q.norm(dim=-1, keepdim=True)}). */
    private static NDArray unitRows(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).sqrt());
    }

    /** {@link #apply} in inference (softmax attention unfused: the same function). */
    public String script(ScriptWriter w, String x) {
        String b = w.let("torch.size(" + x + ", 0)");
        String t = w.let("torch.size(" + x + ", 1)");
        String packed = qkv.script(w, x);
        if (kind == Kind.HYDRA) {
            String parts = w.let("torch.permute(torch.reshape(" + packed + ", [" + b + ", " + t + ", 3, " + heads
                    + "]), [2, 0, 1, 3])");
            String q = unitRows(w, w.let("torch.select(" + parts + ", 0, 0)"));
            String k = unitRows(w, w.let("torch.select(" + parts + ", 0, 1)"));
            String kv = w.let("torch.sum(torch.mul(" + k + ", torch.select(" + parts + ", 0, 2)), [-2], True)");
            return proj.script(w, w.let("torch.mul(" + q + ", " + kv + ")"));
        }
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

    private static String unitRows(ScriptWriter w, String x) {
        return w.let("torch.div(" + x + ", torch.sqrt(torch.sum(torch.mul(" + x + ", " + x + "), [-1], True)))");
    }
}
