package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;

/**
 * LAMB as EasyCV's {@code Lamb} (timm's NvLamb variant, used by the DeiT III recipe). Per step:
 * all gradients are first divided by {@code max(1, |g|_global / max_grad_norm)} (its own global clipping,
 * independent of {@code optimizer_config.grad_clip}); then per parameter
 * {@code m = beta1 m + beta3 g} ({@code beta3 = 1 - beta1} with {@code grad_averaging}, else 1),
 * {@code v = beta2 v + (1 - beta2) g²}, {@code u = (m / bc1) / (sqrt(v) / sqrt(bc2) + eps)} (bias corrections 1
 * without {@code bias_correction}), {@code u += wd p}; where the parameter's weight decay is not 0 (or with
 * {@code always_adapt}) {@code u} is scaled by the trust ratio {@code |p| / |u|} (1 when either is 0; at most 1
 * with {@code trust_clip}); then {@code p -= lr u}. So the parameters that {@code paramwise_options} exempt from
 * decay are also exempt from the trust ratio, as EasyCV's per-group rule has it.
 *
 * <p>Norms, clip factor and trust ratios stay on the device: a step reads nothing back to the host.
 */
public final class Lamb extends BaseOptimizer {

    /**
     * EasyCV's keys and defaults: {@code lr} (required), {@code betas = [0.9, 0.999]}, {@code eps = 1e-6},
     * {@code weight_decay = 0.01}, {@code bias_correction = true}, {@code grad_averaging = true},
     * {@code max_grad_norm = 1.0} (0: no clipping), {@code trust_clip = false}, {@code always_adapt = false};
     * per-parameter options as AdamW ({@link ParamGroups}); {@code base_batch_size} (0 = no lr scaling).
     */
    public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay,
            boolean biasCorrection, boolean gradAveraging, double maxGradNorm, boolean trustClip,
            boolean alwaysAdapt, ParamGroups groups, int baseBatchSize) {

        public static Settings fromConfig(ConfigNode n) {
            AdamKeys k = AdamKeys.read(n, 1e-6);
            boolean biasCorrection = n.bool("bias_correction", true);
            boolean gradAveraging = n.bool("grad_averaging", true);
            double maxGradNorm = n.number("max_grad_norm", 1.0);
            n.check(maxGradNorm >= 0, "max_grad_norm",
                    "expected max_grad_norm >= 0 (0: no clipping), got " + maxGradNorm);
            boolean trustClip = n.bool("trust_clip", false);
            boolean alwaysAdapt = n.bool("always_adapt", false);
            return new Settings(k.lr(), k.beta1(), k.beta2(), k.eps(), k.weightDecay(), biasCorrection,
                    gradAveraging, maxGradNorm, trustClip, alwaysAdapt, k.groups(), k.baseBatchSize());
        }

        /** The lr actually used: scaled by {@code effectiveBatchSize / base_batch_size} when that is set. */
        public double scaledLr(int effectiveBatchSize) {
            return BatchLrScaling.scale(lr, baseBatchSize, effectiveBatchSize);
        }
    }

    private final Settings settings;
    private final AdamMoments moments = new AdamMoments();
    private NDManager stateManager;
    private long steps;

    /** @param baseLr the lr after batch-size scaling ({@link Settings#scaledLr}) */
    public Lamb(Settings settings, double baseLr) {
        super(baseLr, settings.weightDecay());
        this.settings = settings;
    }

    @Override
    public Optional<ParamGroups> paramGroups() {
        return Optional.of(settings.groups());
    }

    @Override
    public void init(List<NamedParameter> parameters, LayerIds layers, NDManager manager) {
        moments.init(parameters, settings.groups(), layers, manager);
        stateManager = manager;
    }

    @Override
    public void step() {
        if (moments.params.isEmpty()) {
            return;
        }
        steps++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double beta3 = settings.gradAveraging() ? 1 - b1 : 1.0;
        double bc1 = settings.biasCorrection() ? 1 - Math.pow(b1, steps) : 1.0;
        double sqrtBc2 = settings.biasCorrection() ? Math.sqrt(1 - Math.pow(b2, steps)) : 1.0;
        NDArray first = moments.params.get(0).parameter().getArray();
        try (NDManager scope = stateManager.newSubManager(first.getDevice())) {
            NDArray clip = clipDivisor(scope);
            for (int i = 0; i < moments.params.size(); i++) {
                ParamGroups.Assignment a = moments.assignments.get(i);
                NDArray w = moments.params.get(i).parameter().getArray();
                NDArray g = w.getGradient();
                g.attach(scope);
                if (clip != null) {
                    g = g.div(clip);
                }
                NDArray m = moments.expAvg.get(i);
                NDArray v = moments.expAvgSq.get(i);
                m.muli(b1).addi(g.mul(beta3));
                v.muli(b2).addi(g.square().muli(1 - b2));
                NDArray denom = v.sqrt();
                denom.attach(scope);
                denom.divi(sqrtBc2).addi(settings.eps());
                NDArray update = m.div(bc1);
                update.attach(scope);
                update.divi(denom);
                double wd = a.weightDecay() * weightDecayScale();
                if (wd != 0) {
                    NDArray decay = w.mul(wd);
                    decay.attach(scope);
                    update.addi(decay);
                }
                // Which parameters adapt is the configured decay's choice, not the schedule's of the moment.
                if (a.weightDecay() != 0 || settings.alwaysAdapt()) {
                    update.muli(trustRatio(w, update, scope));
                }
                w.subi(update.muli(lr() * a.lrScale()));
            }
        }
    }

    /** {@code max(1, |g| / max_grad_norm)} as a 0-d device array; null without clipping. */
    private NDArray clipDivisor(NDManager scope) {
        if (settings.maxGradNorm() == 0) {
            return null;
        }
        NDArray norm = Gradients.globalNorm(moments.params, scope);
        NDArray ratio = norm.div(settings.maxGradNorm());
        return NDArrays.where(norm.gt(settings.maxGradNorm()), ratio, scope.ones(norm.getShape(),
                norm.getDataType(), norm.getDevice()));
    }

    /** {@code |p| / |u|}, 1 when either norm is 0, capped at 1 with {@code trust_clip}; on the device. */
    private NDArray trustRatio(NDArray w, NDArray update, NDManager scope) {
        NDArray wNorm = w.norm();
        wNorm.attach(scope);
        NDArray uNorm = update.norm();
        NDArray one = scope.ones(wNorm.getShape(), wNorm.getDataType(), wNorm.getDevice());
        NDArray ratio = NDArrays.where(wNorm.gt(0), NDArrays.where(uNorm.gt(0), wNorm.div(uNorm), one), one);
        return settings.trustClip() ? ratio.minimum(1f) : ratio;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Map<String, NDArray> state() {
        return moments.state();
    }

    @Override
    public void loadState(Map<String, NDArray> state, long steps) {
        OptimizerStates.copyInto(state(), state);
        this.steps = steps;
    }
}
