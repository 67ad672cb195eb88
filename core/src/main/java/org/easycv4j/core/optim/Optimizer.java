package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.registry.Kind;

/** Updates a model's parameters from their gradients (registry kind "optimizer"). */
public interface Optimizer extends AutoCloseable {
    /** The registry kind of {@code Optimizer}s (tools/list optimizer): what a config's {@code type} names here. */
    Kind<Optimizer> KIND = Kind.of("optimizer", Optimizer.class, "updates parameters from gradients");


    /** The configured base learning rate (after batch-size scaling); the lr schedule scales it. */
    double baseLr();

    /**
     * The learning rate of the next {@link #step}: {@link #baseLr()} until a {@link ParamScheduler} sets
     * another. Each parameter's own scale (layer decay, {@code lr_mult}) multiplies it.
     */
    double lr();

    /** Sets the learning rate of the next steps (what {@link ParamScheduler} does before every step). */
    void setLr(double lr);

    /**
     * The factor on every parameter's configured weight decay in the next step: 1 until a weight-decay schedule
     * ({@code param_scheduler}) sets another. A parameter without decay (0) keeps none.
     */
    double weightDecayScale();

    /** Sets the factor on every weight decay of the next steps. */
    void setWeightDecayScale(double scale);

    /** The configured weight decay that {@link #weightDecayScale()} scales (0 when the optimizer has none). */
    double baseWeightDecay();

    /**
     * Binds the optimizer to the trainable parameters of a model whose layers are {@code layers} (for layer-wise
     * lr decay); state arrays are created in {@code manager}.
     */
    void init(List<NamedParameter> parameters, LayerIds layers, NDManager manager);

    /** {@link #init(List, LayerIds, NDManager)} for parameters without layer structure. */
    default void init(List<NamedParameter> parameters, NDManager manager) {
        init(parameters, LayerIds.NONE, manager);
    }

    /** Applies one update with learning rate {@link #lr()}, reading each parameter's gradient. */
    void step();

    /** The optimizer state as named arrays (e.g. {@code exp_avg.blocks.0.attn.qkv.weight}), for checkpoints. */
    Map<String, NDArray> state();

    /** Optimizer steps taken so far (AdamW's bias correction depends on it). */
    long steps();

    /** Restores {@link #state()} and the step count; a missing or mis-shaped entry is an error naming it. */
    void loadState(Map<String, NDArray> state, long steps);

    /**
     * Clipping, the update and zeroing in one pass, where the optimizer can (PyTorch's fused AdamW): clips the
     * gradients to the global norm {@code maxNorm} (0: no clipping); when their norm is finite, updates the
     * parameters and zeroes the gradients; when it is not, changes nothing (gradients kept for diagnosis). No
     * host read happens. Returns the norm before clipping (0-d, in {@code manager}), or empty when this
     * optimizer cannot, and the caller clips, checks and calls {@link #step} itself.
     */
    default Optional<NDArray> clipStepZero(double maxNorm, NDManager manager) {
        return Optional.empty();
    }

    /**
     * True when {@link #step} leaves every updated parameter's gradient at zero, so the train loop need not
     * zero them again (it still must after a skipped step).
     */
    default boolean zeroesGradients() {
        return false;
    }

    /**
     * The per-parameter lr scales and weight decays, when this optimizer has them ({@link ParamGroupTable}
     * shows them); empty for optimizers with one setting for all parameters.
     */
    default Optional<ParamGroups> paramGroups() {
        return Optional.empty();
    }

    @Override
    default void close() {}
}
