package org.easycv4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.engine.TorchFusedOps;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;

/**
 * AdamW (Loshchilov and Hutter) with PyTorch's exact update: decoupled weight decay
 * {@code p -= lr * wd * p}, then {@code p -= lr * m_hat / (sqrt(v_hat) + eps)} with epsilon added
 * after bias correction. Each parameter has its own lr scale and weight decay ({@link ParamGroups}); the
 * scheduled lr is multiplied by the scale at every step. Parameters that require no gradient (fixed
 * position embeddings) are left out.
 *
 * <p>On the PyTorch engine the update is PyTorch's fused multi-tensor AdamW kernel ({@link TorchFusedOps}): one
 * native call per group of parameters sharing lr scale and weight decay, which also zeroes the gradients
 * afterwards. Other engines use array operations. Both follow PyTorch's formula.
 */
public final class AdamW extends BaseOptimizer {
    private final AdamWSettings settings;
    private final AdamMoments moments = new AdamMoments();
    private long stepCount;
    private boolean nativeUpdate = true;
    /** Parameters sharing lr scale and weight decay, in first-seen order (one fused call each). */
    private final Map<List<Double>, List<Integer>> fusedGroups = new LinkedHashMap<>();
    private TorchFusedOps fused;
    private NDArray stepTensor;
    private NDManager stateManager;

    public AdamW(AdamWSettings settings) {
        this(settings, settings.lr());
    }

    /** @param baseLr the lr after batch-size scaling ({@link AdamWSettings#scaledLr}) */
    public AdamW(AdamWSettings settings, double baseLr) {
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
        for (int i = 0; i < moments.params.size(); i++) {
            ParamGroups.Assignment a = moments.assignments.get(i);
            fusedGroups.computeIfAbsent(List.of(a.lrScale(), a.weightDecay()), k -> new ArrayList<>()).add(i);
        }
        stateManager = manager;
    }

    /** Whether the fused kernels do the update; loads them on first use (false when the libtorch lacks them). */
    private boolean useFused() {
        if (!nativeUpdate || moments.params.isEmpty()
                || !"PyTorch".equals(moments.params.get(0).parameter().getArray().getManager().getEngine().getEngineName())) {
            return false;
        }
        if (fused == null) {
            var ops = TorchFusedOps.tryLoad(stateManager);
            if (ops.isEmpty()) {
                nativeUpdate = false;
                return false;
            }
            fused = ops.get();
            // The kernel reads the step count from a tensor, as torch.optim keeps it (no host copy on a GPU).
            stepTensor = stateManager.full(new Shape(), (float) stepCount,
                    DataType.FLOAT32, moments.params.get(0).parameter().getArray().getDevice());
        }
        return true;
    }

    @Override
    public Optional<NDArray> clipStepZero(double maxNorm, NDManager manager) {
        if (!useFused()) {
            return Optional.empty();
        }
        try (NDManager scope = manager.newSubManager()) {
            List<List<NDArray>> grads = groupGradients(scope);
            List<NDArray> all = grads.stream().flatMap(List::stream).toList();
            // Clip divisor and overflow flag stay on the device: the update is queued before anyone reads the norm.
            NDArray[] prepared = fused.clipPrepare(all, stepTensor, maxNorm, manager);
            prepared[1].attach(scope);
            prepared[2].attach(scope);
            updateGroups(grads, lr(), prepared[1], prepared[2]);
            fused.zeroUnlessFound(all, prepared[2]);
            return Optional.of(prepared[0]);
        }
    }

    /** The gradients, group by group, as handles attached to {@code scope}. */
    private List<List<NDArray>> groupGradients(NDManager scope) {
        List<List<NDArray>> out = new ArrayList<>(fusedGroups.size());
        for (List<Integer> group : fusedGroups.values()) {
            List<NDArray> g = new ArrayList<>(group.size());
            for (int i : group) {
                NDArray grad = moments.params.get(i).parameter().getArray().getGradient();
                grad.attach(scope);
                g.add(grad);
            }
            out.add(g);
        }
        return out;
    }

    /** One fused AdamW call per group, gradients divided by {@code gradScale}, skipped when {@code foundInf} is 1. */
    private void updateGroups(List<List<NDArray>> grads, double lr, NDArray gradScale, NDArray foundInf) {
        int k = 0;
        for (Map.Entry<List<Double>, List<Integer>> group : fusedGroups.entrySet()) {
            List<NDArray> w = new ArrayList<>();
            List<NDArray> m = new ArrayList<>();
            List<NDArray> v = new ArrayList<>();
            List<NDArray> s = new ArrayList<>();
            for (int i : group.getValue()) {
                w.add(moments.params.get(i).parameter().getArray());
                m.add(moments.expAvg.get(i));
                v.add(moments.expAvgSq.get(i));
                s.add(stepTensor);
            }
            fused.adamwScaled(w, grads.get(k++), m, v, s, lr * group.getKey().get(0), settings.beta1(),
                    settings.beta2(), group.getKey().get(1) * weightDecayScale(), settings.eps(), gradScale, foundInf);
        }
    }

    @Override
    public void step() {
        if (useFused()) {
            stepTensor.addi(1f);
            stepCount++;
            fusedStep(lr());
            return;
        }
        stepCount++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double bc1 = 1 - Math.pow(b1, stepCount);
        double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, stepCount));
        for (int i = 0; i < moments.params.size(); i++) {
            ParamGroups.Assignment a = moments.assignments.get(i);
            double plr = lr() * a.lrScale();
            NDArray w = moments.params.get(i).parameter().getArray();
            NDArray m = moments.expAvg.get(i);
            NDArray v = moments.expAvgSq.get(i);
            // The gradient handle is a view of the parameter's gradient (no copy); closing it frees the handle.
            try (NDArray g = w.getGradient()) {
                update(w, g, m, v, plr, a.weightDecay() * weightDecayScale(), b1, b2, bc1, sqrtBc2);
            }
        }
    }

    private void fusedStep(double lr) {
        NDArray first = moments.params.get(0).parameter().getArray();
        try (NDManager scope = stateManager.newSubManager(first.getDevice())) {
            List<List<NDArray>> grads = groupGradients(scope);
            NDArray one = scope.ones(new Shape(1));
            NDArray zero = scope.zeros(new Shape(1));
            updateGroups(grads, lr, one, zero);
            fused.zero(grads.stream().flatMap(List::stream).toList());
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
        return useFused();
    }

    /** Test hook: false forces the array-operation update on every engine. */
    void useNativeUpdate(boolean on) {
        nativeUpdate = on;
    }

    @Override
    public Map<String, NDArray> state() {
        return moments.state();
    }

    @Override
    public void loadState(Map<String, NDArray> state, long steps) {
        OptimizerStates.copyInto(state(), state);
        stepCount = steps;
        if (stepTensor != null) {
            stepTensor.set(new NDIndex(), (float) steps);
        }
    }

    @Override
    public void close() {
        if (fused != null) {
            fused.close();
            fused = null;
        }
    }

    /** Steps taken; with the fused kernels the count lives on the device and this reads it. */
    @Override
    public long steps() {
        return stepTensor != null ? (long) stepTensor.getFloat() : stepCount;
    }
}
