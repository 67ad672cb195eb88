package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AdamW (Loshchilov and Hutter) with PyTorch's exact update: decoupled weight decay
 * {@code p -= lr * wd * p}, then {@code p -= lr * m_hat / (sqrt(v_hat) + eps)} with epsilon added
 * after bias correction. Each parameter has its own lr scale and weight decay ({@link ParamGroups}); the
 * scheduled lr is multiplied by the scale at every step. Parameters that require no gradient (fixed
 * position embeddings) are left out.
 *
 * <p>On the PyTorch engine the update of each parameter is one native call (which also zeroes the parameter's
 * gradient afterwards); other engines use array operations. Both follow PyTorch's formula.
 */
public final class AdamW implements Optimizer {
    private final AdamWSettings settings;
    private final double baseLr;
    private final List<NamedParameter> params = new ArrayList<>();
    private final List<ParamGroups.Assignment> assignments = new ArrayList<>();
    private final List<NDArray> expAvg = new ArrayList<>();
    private final List<NDArray> expAvgSq = new ArrayList<>();
    private long stepCount;
    private boolean nativeUpdate = true;

    public AdamW(AdamWSettings settings) {
        this(settings, settings.lr());
    }

    /** @param baseLr the lr after batch-size scaling ({@link AdamWSettings#scaledLr}) */
    public AdamW(AdamWSettings settings, double baseLr) {
        this.settings = settings;
        this.baseLr = baseLr;
    }

    @Override
    public double baseLr() {
        return baseLr;
    }

    @Override
    public Optional<ParamGroups> paramGroups() {
        return Optional.of(settings.groups());
    }

    @Override
    public void init(List<NamedParameter> parameters, NDManager manager) {
        int numLayers = ParamGroups.depthFromNames(parameters.stream().map(NamedParameter::name).toList()) + 1;
        for (NamedParameter p : parameters) {
            if (!p.parameter().requiresGradient()) {
                continue;
            }
            NDArray w = p.parameter().getArray();
            params.add(p);
            assignments.add(settings.groups().assign(p.name(), w.getShape(), numLayers));
            expAvg.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
            expAvgSq.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
        }
    }

    @Override
    public void step(double lr) {
        stepCount++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double bc1 = 1 - Math.pow(b1, stepCount);
        double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, stepCount));
        for (int i = 0; i < params.size(); i++) {
            ParamGroups.Assignment a = assignments.get(i);
            double plr = lr * a.lrScale();
            NDArray w = params.get(i).parameter().getArray();
            NDArray m = expAvg.get(i);
            NDArray v = expAvgSq.get(i);
            // The gradient handle is a view of the parameter's gradient (no copy); closing it frees the handle.
            try (NDArray g = w.getGradient()) {
                if (nativeUpdate && "PyTorch".equals(w.getManager().getEngine().getEngineName())) {
                    // PyTorch's m_hat / (sqrt(v_hat) + eps) equals sqrt(bc2)/bc1 · m / (sqrt(v) + eps·sqrt(bc2)):
                    // the engine's one-call update computes the right side (decoupled decay first, as PyTorch).
                    w.getNDArrayInternal().adamUpdate(new NDList(w, g, m, v), new NDList(w), (float) plr,
                            (float) (plr * sqrtBc2 / bc1), (float) a.weightDecay(), 1f, -1f, (float) b1, (float) b2,
                            (float) (settings.eps() * sqrtBc2), false, true);
                } else {
                    update(w, g, m, v, plr, a.weightDecay(), b1, b2, bc1, sqrtBc2);
                }
            }
        }
    }

    /** The update with array operations (any engine). */
    private void update(NDArray w, NDArray g, NDArray m, NDArray v, double plr, double wd, double b1, double b2,
            double bc1, double sqrtBc2) {
        try (NDManager scope = w.getManager().newSubManager()) {
            if (wd != 0) {
                w.muli(1 - plr * wd);
            }
            m.muli(b1);
            NDArray gs = g.mul(1 - b1);
            gs.attach(scope);
            m.addi(gs);
            NDArray sq = g.square();
            sq.attach(scope);
            v.muli(b2).addi(sq.muli(1 - b2));
            // p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), as PyTorch.
            NDArray denom = v.sqrt();
            denom.attach(scope);
            denom.divi(sqrtBc2).addi(settings.eps());
            NDArray update = m.div(denom);
            update.attach(scope);
            w.subi(update.muli(plr / bc1));
        }
    }

    @Override
    public boolean zeroesGradients() {
        return nativeUpdate && !params.isEmpty()
                && "PyTorch".equals(params.get(0).parameter().getArray().getManager().getEngine().getEngineName());
    }

    /** Test hook: false forces the array-operation update on every engine. */
    void useNativeUpdate(boolean on) {
        nativeUpdate = on;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            out.put("exp_avg." + params.get(i).name(), expAvg.get(i));
            out.put("exp_avg_sq." + params.get(i).name(), expAvgSq.get(i));
        }
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state, long steps) {
        OptimizerStates.copyInto(state(), state);
        stepCount = steps;
    }

    @Override
    public long steps() {
        return stepCount;
    }
}
