package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;

/** SGD with momentum, Nesterov and L2 weight decay, as PyTorch's {@code torch.optim.SGD}. */
public final class Sgd extends BaseOptimizer {

    /** EasyCV spelling: {@code lr}, {@code momentum}, {@code weight_decay}, {@code nesterov}. */
    public record Settings(double lr, double momentum, double weightDecay, boolean nesterov) {
        public static Settings fromConfig(ConfigNode n) {
            double lr = n.number("lr");
            n.check(lr > 0, "lr", "expected a learning rate > 0, got " + lr);
            double momentum = n.numberIn("momentum", 0.0, 0.0, 1.0);
            double wd = n.number("weight_decay", 0.0);
            n.check(wd >= 0, "weight_decay", "expected weight_decay >= 0, got " + wd);
            boolean nesterov = n.bool("nesterov", false);
            n.check(!nesterov || momentum > 0, "nesterov", "Nesterov momentum needs momentum > 0");
            return new Settings(lr, momentum, wd, nesterov);
        }
    }

    private final Settings settings;
    private final List<NamedParameter> params = new ArrayList<>();
    private final List<NDArray> buffers = new ArrayList<>();
    private long steps;

    public Sgd(Settings settings) {
        super(settings.lr(), settings.weightDecay());
        this.settings = settings;
    }

    @Override
    public void init(List<NamedParameter> parameters, LayerIds layers, NDManager manager) {
        for (NamedParameter p : parameters) {
            NDArray w = p.parameter().getArray();
            params.add(p);
            buffers.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
        }
    }

    @Override
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).parameter().getArray();
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(scope);
                double wd = settings.weightDecay() * weightDecayScale();
                NDArray d = wd != 0 ? g.add(w.mul(wd)) : g;
                if (settings.momentum() != 0) {
                    NDArray buf = buffers.get(i);
                    if (steps == 0) {
                        buf.muli(0).addi(d);
                    } else {
                        buf.muli(settings.momentum()).addi(d);
                    }
                    d = settings.nesterov() ? d.add(buf.mul(settings.momentum())) : buf;
                }
                w.subi(d.mul(lr()));
            }
        }
        steps++;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Map<String, NDArray> state() {
        return OptimizerStates.perParameter("momentum_buffer.", params, buffers);
    }

    @Override
    public void loadState(Map<String, NDArray> state, long steps) {
        OptimizerStates.copyInto(state(), state);
        this.steps = steps;
    }
}
