package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.easycv4j.core.engine.TorchOps;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.ScriptModule;

/**
 * The one ViT definition: timm's encoder ({@code cls_token}, {@code pos_embed}, {@code patch_embed.*},
 * {@code blocks.i.*}, {@code norm.*}) composed with a {@link VitHead} (the classifier's head, the MAE decoder),
 * whose parameters sit beside the encoder's at the top of the name space as in timm and the MAE reference, so
 * their checkpoints load by name. The network's forward is the head's; heads reach the encoder through
 * {@link #forwardFeatures} (every token after the final norm) or, to mask in between,
 * {@link #embedPatches} and {@link #forwardEncoder}: one embedding and block code for every use. Every layer
 * writes its TorchScript next to its Java forward, and {@link #scriptModule} walks this tree to export it.
 *
 * <p>Parameter order (hence the seeded initialization) is the encoder's direct parameters, then the head's,
 * then the encoder's layers, then the head's layers, as DJL initializes direct parameters before children.
 *
 * @param <H> the head
 */
public final class VisionTransformer<H extends VitHead> extends Layer {
    /** How the encoder's parameters start. */
    public enum Init {
        /**
         * timm's ViT as the MAE repository fine-tunes it: {@code cls_token}, learned {@code pos_embed} and Linear
         * weights truncated normal (std 0.02), the patch convolution PyTorch's default.
         */
        TIMM,
        /**
         * MAE pretraining: {@code pos_embed} the fixed 2-D sin-cos table (no gradient), {@code cls_token} normal
         * (std 0.02), Linear and patch weights Xavier-uniform.
         */
        MAE
    }

    /** Where a head adds its parameters and layers: the top of the network's name space. */
    public interface Slots {
        VitSettings settings();

        Parameter param(String name, Shape shape, Initializer init, boolean trainable);

        <L extends Layer> L layer(String name, L layer);
    }

    private final VitSettings vit;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final PatchEmbed patchEmbed;
    private final BlockStack blocks;
    private final LayerNormLayer norm;
    private final H head;
    /** The type of matrix products under mixed precision (FLOAT16, BFLOAT16); null: the input's type. */
    private DataType autocast;

    private VisionTransformer(VitSettings vit, Init init, boolean finalNorm, Function<Slots, H> headFactory) {
        this.vit = vit;
        int dim = vit.embedDim();
        boolean mae = init == Init.MAE;
        clsToken = param("cls_token", new Shape(1, 1, dim), mae ? Inits.normal(0.02f) : Inits.truncNormal(0.02f),
                true);
        Shape posShape = new Shape(1, vit.numPatches() + 1, dim);
        posEmbed = mae
                ? param("pos_embed", posShape, Inits.fixed(SinCos.embedding(dim, vit.gridSize(), true)), false)
                : param("pos_embed", posShape, Inits.truncNormal(0.02f), true);
        patchEmbed = addChildBlock("patch_embed", new PatchEmbed(vit.inChans(), dim, vit.patchSize(), mae));
        BiFunction<Long, Long, Initializer> linearInit = mae ? Inits::xavierUniform
                : (in, out) -> Inits.truncNormal(0.02f);
        List<VitBlock> list = new ArrayList<>();
        for (int i = 0; i < vit.depth(); i++) {
            list.add(new VitBlock(dim, vit.numHeads(), vit.mlpRatio(), vit.dropPath(i), vit.attention(i),
                    vit.layerScale(), linearInit));
        }
        blocks = addChildBlock("blocks", new BlockStack(list));
        norm = finalNorm ? addChildBlock("norm", new LayerNormLayer(dim)) : null;
        head = headFactory.apply(new Slots() {
            @Override
            public VitSettings settings() {
                return vit;
            }

            @Override
            public Parameter param(String name, Shape shape, Initializer initializer, boolean trainable) {
                return VisionTransformer.this.param(name, shape, initializer, trainable);
            }

            @Override
            public <L extends Layer> L layer(String name, L layer) {
                return addChildBlock(name, layer);
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code setSettings} (the encoder's shape), {@code setInit} and the head ({@link #build}) are required;
     * {@code optFinalNorm} (default true).
     */
    public static final class Builder {
        private VitSettings vit;
        private Init init;
        private boolean finalNorm = true;

        private Builder() {}

        public Builder setSettings(VitSettings vit) {
            this.vit = vit;
            return this;
        }

        public Builder setInit(Init init) {
            this.init = init;
            return this;
        }

        /** false: no final {@code norm} (timm with global pooling, whose {@code fc_norm} replaces it). */
        public Builder optFinalNorm(boolean finalNorm) {
            this.finalNorm = finalNorm;
            return this;
        }

        /** The network with the head that {@code head} builds in the network's slots. */
        public <H extends VitHead> VisionTransformer<H> build(Function<Slots, H> head) {
            if (vit == null || init == null) {
                throw new IllegalStateException("setSettings and setInit are required");
            }
            return new VisionTransformer<>(vit, init, finalNorm, head);
        }
    }

    public VitSettings vitSettings() {
        return vit;
    }

    public H head() {
        return head;
    }

    /** The encoder blocks ({@code blocks.i}). */
    public BlockStack blocks() {
        return blocks;
    }

    public boolean hasFinalNorm() {
        return norm != null;
    }

    /**
     * mmpretrain's {@code frozen_stages}: {@code k >= 1} freezes {@code cls_token}, {@code pos_embed},
     * {@code patch_embed} and blocks 0..k-1; {@code k = depth} also the final {@code norm}. Call before
     * initialization; frozen parameters then never get a gradient, so the runner gives them no optimizer state.
     */
    public void freezeStages(int k) {
        if (k < 1) {
            return;
        }
        clsToken.freeze(true);
        posEmbed.freeze(true);
        patchEmbed.freezeParameters(true);
        for (int i = 0; i < k; i++) {
            blocks.get(i).freeze();
        }
        if (k == vit.depth() && norm != null) {
            norm.freezeParameters(true);
        }
    }

    /** Runs matrix products in {@code type} (FLOAT16 or BFLOAT16 for mixed precision, FLOAT32 for none). */
    public void setAutocast(DataType type) {
        if (type != DataType.FLOAT32 && type != DataType.FLOAT16 && type != DataType.BFLOAT16) {
            throw new IllegalArgumentException("matrix products run in float32, float16 or bfloat16, not " + type);
        }
        if (type == DataType.BFLOAT16 && !TorchOps.available()) {
            throw new IllegalArgumentException("bfloat16 matrix products need the PyTorch engine");
        }
        this.autocast = type == DataType.FLOAT32 ? null : type;
    }

    /**
     * Starts a forward pass over {@code images}: checks their shape and returns the pass's {@link Step}, with
     * this network's mixed-precision and attention settings.
     */
    public Step begin(ParameterStore store, NDArray images, boolean training) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != vit.inChans() || s.get(2) != vit.imgSize()
                || s.get(3) != vit.imgSize()) {
            throw new IllegalArgumentException("expected images of shape (N, " + vit.inChans() + ", " + vit.imgSize()
                    + ", " + vit.imgSize() + "), got " + s);
        }
        return new Step(store, images, training, autocast, vit.fusedAttn().fuses(images.getDevice()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return head.forward(this, begin(store, inputs.get(0), training), inputs);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.outputShapes(this, inputShapes);
    }

    /** The patch tokens with their position embedding, (N, L, D), row-major: what MAE masks. */
    public NDArray embedPatches(Step s, NDArray images) {
        return patchEmbed.apply(s, images).add(s.own(s.param(posEmbed).get(":, 1:, :")));
    }

    /**
     * The encoder on (a subset of) embedded patch tokens: the cls token with its position embedding in front,
     * the blocks, the final norm when there is one; (N, 1 + tokens, D).
     */
    public NDArray forwardEncoder(Step s, NDArray patchTokens) {
        long n = patchTokens.getShape().get(0);
        NDArray cls = s.own(s.param(clsToken).add(s.own(s.param(posEmbed).get(":, :1, :"))));
        NDArray x = NDArrays.concat(new NDList(cls.broadcast(n, 1, vit.embedDim()), patchTokens), 1);
        x = blocks.apply(s, x);
        return norm == null ? x : norm.apply(s, x);
    }

    /** timm's {@code forward_features}: every token (cls first) after the final norm, (N, 1 + L, D). */
    public NDArray forwardFeatures(Step s, NDArray images) {
        return forwardEncoder(s, embedPatches(s, images));
    }

    /** {@link #forwardFeatures} in inference. */
    public String scriptFeatures(ScriptWriter w, String images) {
        String pos = w.param(posEmbed);
        String x = w.let("torch.add(" + patchEmbed.script(w, images) + ", torch.slice(" + pos
                + ", 1, 1, 9223372036854775807))");
        String cls = w.let("torch.add(" + w.param(clsToken) + ", torch.slice(" + pos + ", 1, 0, 1))");
        String h = w.let("torch.cat([torch.expand(" + cls + ", [torch.size(" + x + ", 0), -1, -1]), " + x + "], 1)");
        h = blocks.script(w, h);
        return norm == null ? h : norm.script(w, h);
    }

    /**
     * Frozen features of an encoder with its final {@code norm} (MAE's): evaluation mode (no drop path), float32
     * (N, D); {@link FeaturePooling#CLS} the cls token, {@link FeaturePooling#AVG} the mean of the patch tokens
     * after the norm (timm's {@code global_pool = "avg"} on a model without {@code fc_norm}).
     */
    public NDArray pooledFeatures(ParameterStore store, NDArray images, FeaturePooling pooling) {
        if (norm == null) {
            throw new IllegalStateException("this encoder has no final norm");
        }
        Step s = begin(store, images, false);
        NDArray x = forwardFeatures(s, images);
        NDArray f = switch (pooling) {
            case CLS -> x.get(":, 0, :");
            case AVG -> x.get(":, 1:, :").mean(new int[] {1});
            case DEFAULT -> throw new IllegalArgumentException("resolve the default pooling first");
        };
        return s.full(f);
    }

    /**
     * This network's inference forward as TorchScript ({@link VitHead#script}) with {@code parameters} as
     * attributes: refused when it would not read exactly those.
     */
    public ScriptModule scriptModule(String className, List<NamedParameter> parameters) {
        ScriptWriter w = new ScriptWriter(this);
        String out = head.script(this, w, ScriptWriter.INPUT);
        return w.module(className, out, parameters, "forward(images: float32 (N, " + vit.inChans() + ", "
                + vit.imgSize() + ", " + vit.imgSize() + "), normalized as in preprocessing) -> "
                + head.scriptOutput(this));
    }
}
