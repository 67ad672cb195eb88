package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;

/**
 * LARS as the MAE repository's linear probe uses it (from MoCo v3): for a parameter with more than one
 * dimension, {@code d = g + wd * p}, scaled by the trust ratio {@code trust_coefficient * |p| / |d|} (1 when
 * either norm is 0); parameters of one dimension (biases, norms) get neither decay nor scaling, {@code d = g}.
 * Then {@code mu = momentum * mu + d}, {@code p -= lr * mu}. The trust ratio is computed on the device (no host
 * read). EasyCV's own LARS (dampening, {@code eta}, Nesterov) differs in the order of decay and scaling; this is
 * the MAE recipe's.
 */
public final class Lars extends BaseOptimizer {

    /**
     * {@code lr}, {@code momentum} (0.9), {@code weight_decay} (0), {@code trust_coefficient} (0.001) and
     * {@code base_batch_size} (the lr used is {@code lr × effective batch / base_batch_size}; 0 = no scaling).
     */
    public record Settings(double lr, double momentum, double weightDecay, double trustCoefficient,
            int baseBatchSize) {
        public static Settings fromConfig(ConfigNode n) {
            double lr = n.number("lr");
            n.check(lr > 0, "lr", "expected a learning rate > 0, got " + lr);
            double momentum = n.numberIn("momentum", 0.9, 0.0, 1.0);
            double wd = n.number("weight_decay", 0.0);
            n.check(wd >= 0, "weight_decay", "expected weight_decay >= 0, got " + wd);
            double trust = n.number("trust_coefficient", 0.001);
            n.check(trust > 0, "trust_coefficient", "expected a trust coefficient > 0, got " + trust);
            int base = BatchLrScaling.baseBatchSize(n);
            return new Settings(lr, momentum, wd, trust, base);
        }

        /** The lr actually used: scaled by {@code effectiveBatchSize / base_batch_size} when that is set. */
        public double scaledLr(int effectiveBatchSize) {
            return BatchLrScaling.scale(lr, baseBatchSize, effectiveBatchSize);
        }
    }

    private final Settings settings;
    private final List<NamedParameter> params = new ArrayList<>();
    private final List<NDArray> mu = new ArrayList<>();
    private long steps;

    /** @param baseLr the lr after batch-size scaling */
    public Lars(Settings settings, double baseLr) {
        super(baseLr, settings.weightDecay());
        this.settings = settings;
    }

    /** What param_groups.json shows: the decay on parameters of more than one dimension only. */
    @Override
    public Optional<ParamGroups> paramGroups() {
        return Optional.of(new ParamGroups(settings.weightDecay(), List.of(), true, Set.of(), 1.0));
    }

    @Override
    public void init(List<NamedParameter> parameters, LayerIds layers, NDManager manager) {
        for (NamedParameter p : parameters) {
            if (!p.parameter().requiresGradient()) {
                continue;
            }
            NDArray w = p.parameter().getArray();
            params.add(p);
            mu.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
        }
    }

    @Override
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).parameter().getArray();
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray d = w.getGradient();
                d.attach(scope);
                if (w.getShape().dimension() > 1) {
                    d = adapt(w, d, scope);
                }
                NDArray m = mu.get(i);
                m.muli(settings.momentum()).addi(d);
                NDArray update = m.mul(lr());
                update.attach(scope);
                w.subi(update);
            }
        }
        steps++;
    }

    /** Decay and trust-ratio scaling of a matrix's update, all on the device. */
    private NDArray adapt(NDArray w, NDArray g, NDManager scope) {
        NDArray d = g;
        double wd = settings.weightDecay() * weightDecayScale();
        if (wd != 0) {
            NDArray decay = w.mul(wd);
            decay.attach(scope);
            d = g.add(decay);
        }
        NDArray pNorm = w.norm();
        pNorm.attach(scope);
        NDArray dNorm = d.norm();
        NDArray ratio = pNorm.mul(settings.trustCoefficient()).div(dNorm);
        NDArray one = scope.ones(pNorm.getShape(), pNorm.getDataType(), pNorm.getDevice());
        NDArray q = NDArrays.where(pNorm.gt(0), NDArrays.where(dNorm.gt(0), ratio, one), one);
        return d.mul(q);
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Map<String, NDArray> state() {
        return OptimizerStates.perParameter("mu.", params, mu);
    }

    @Override
    public void loadState(Map<String, NDArray> state, long steps) {
        OptimizerStates.copyInto(state(), state);
        this.steps = steps;
    }
}
