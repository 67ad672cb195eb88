package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with PyTorch's exact update: decoupled weight decay
 * {@code p -= lr * wd * p}, then {@code p -= lr * m_hat / (sqrt(v_hat) + eps)} with epsilon added
 * after bias correction.
 */
public final class AdamW implements Optimizer {
    private final AdamWSettings settings;
    private final List<NamedParameter> params = new ArrayList<>();
    private final List<NDArray> expAvg = new ArrayList<>();
    private final List<NDArray> expAvgSq = new ArrayList<>();
    private long stepCount;

    public AdamW(AdamWSettings settings) {
        this.settings = settings;
    }

    @Override
    public double baseLr() {
        return settings.lr();
    }

    @Override
    public void init(List<NamedParameter> parameters, NDManager manager) {
        for (NamedParameter p : parameters) {
            NDArray w = p.parameter().getArray();
            params.add(p);
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
        double bc2 = 1 - Math.pow(b2, stepCount);
        double stepSize = lr / bc1;
        double sqrtBc2 = Math.sqrt(bc2);
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).parameter().getArray();
            NDArray m = expAvg.get(i);
            NDArray v = expAvgSq.get(i);
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(scope);
                if (settings.weightDecay() != 0) {
                    w.muli(1 - lr * settings.weightDecay());
                }
                m.muli(b1).addi(g.mul(1 - b1));
                v.muli(b2).addi(g.square().muli(1 - b2));
                NDArray denom = v.sqrt().divi(sqrtBc2).addi(settings.eps());
                w.subi(m.div(denom).muli(stepSize));
            }
        }
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
