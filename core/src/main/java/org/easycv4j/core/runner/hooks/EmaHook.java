package org.easycv4j.core.runner.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.runner.CheckpointedHook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.runner.RunServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EasyCV's {@code EMAHook}: an exponential moving average of every floating-point parameter (trainable, frozen
 * and BatchNorm statistics alike), updated after every training iteration as
 * {@code ema = d * ema + (1 - d) * weight} with {@code d = decay * (1 - exp(-updates / warmup_iters))}, where
 * {@code updates} counts iterations from the start of the run (so a resumed run continues the ramp);
 * {@code warmup_iters = 0} keeps {@code d = decay}. The average starts as a copy of the weights when training
 * starts. Every checkpoint holds it as {@code ema.safetensors} (same names as {@code model.safetensors}, so
 * {@code tools/eval} and {@code tools/export} take it in place of a checkpoint); with {@code evaluate = true}
 * validation runs on the averaged weights.
 */
public final class EmaHook implements CheckpointedHook, RunServices.EvalWeights {
    /**
     * {@code custom_hooks = [{type = EMAHook, decay = 0.9999, warmup_iters = 2000, evaluate = true}]}.
     *
     * @param decay EasyCV's {@code decay}
     * @param warmupIters the time constant of EasyCV's ramp {@code decay * (1 - exp(-updates / 2000))}; 0: none
     * @param evaluate validation uses the averaged weights
     */
    public record Settings(double decay, double warmupIters, boolean evaluate) {
        public static Settings fromConfig(ConfigNode node) {
            double decay = node.numberIn("decay", 0.9999, 0.0, 1.0);
            double warmup = node.number("warmup_iters", 2000);
            node.check(warmup >= 0, "warmup_iters", "expected iterations >= 0 (0: no ramp), got " + warmup);
            return new Settings(decay, warmup, node.bool("evaluate", true));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(EmaHook.class);
    /** The file inside checkpoint folders. */
    public static final String FILE = "ema.safetensors";
    private static final NDIndex ALL = new NDIndex("...");

    private final double decay;
    private final double warmupIters;
    private final boolean evaluate;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private Map<String, NDArray> restored;
    private NDManager manager;
    private RunServices services;

    /**
     * @param decay the decay rate (EasyCV's default 0.9999)
     * @param warmupIters the ramp's time constant in iterations (EasyCV's 2000); 0: no ramp
     * @param evaluate validation uses the averaged weights
     */
    public EmaHook(double decay, double warmupIters, boolean evaluate) {
        this.decay = decay;
        this.warmupIters = warmupIters;
        this.evaluate = evaluate;
    }

    /** Before the evaluation (LOW) and checkpoint (VERY_LOW) hooks, so both see this iteration's average. */
    @Override
    public int priority() {
        return NORMAL;
    }

    /** The decay applied at update number {@code updates} (1-based). */
    public double decayAt(long updates) {
        return warmupIters > 0 ? decay * (1 - Math.exp(-updates / warmupIters)) : decay;
    }

    @Override
    public void setUp(RunServices services) {
        this.services = services;
    }

    @Override
    public void beforeRun(RunContext c) {
        manager = services.manager().newSubManager();
        for (NamedParameter p : services.model().namedParameters()) {
            NDArray w = p.parameter().getArray();
            if (!w.getDataType().isFloating()) {
                continue;
            }
            params.put(p.name(), w);
            NDArray copy = w.duplicate();
            copy.attach(manager);
            average.put(p.name(), copy);
        }
        if (restored != null) {
            for (Map.Entry<String, NDArray> e : average.entrySet()) {
                NDArray src = restored.get(e.getKey());
                if (src == null || !src.getShape().equals(e.getValue().getShape())) {
                    throw new IllegalStateException("the checkpoint's " + FILE + " has no " + e.getKey() + " of shape "
                            + e.getValue().getShape());
                }
                e.getValue().set(ALL, src);
            }
            if (services.collective().isRoot()) {
                LOG.info("exponential moving average restored ({} tensors)", restored.size());
            }
            restored.values().forEach(NDArray::close);
            restored = null;
        }
    }

    /** With {@code evaluate}, validation sees the average once training has started. */
    @Override
    public Optional<RunContext.WeightSwap> evalWeights() {
        return evaluate && manager != null ? Optional.of(swapIn()) : Optional.empty();
    }

    @Override
    public void afterIter(RunContext c) {
        double d = decayAt(c.iter() + 1);
        try (NDManager scope = manager.newSubManager()) {
            NDArray keep = scope.create((float) d);
            for (Map.Entry<String, NDArray> e : average.entrySet()) {
                NDArray w = params.get(e.getKey());
                NDArray k = keep.getDataType() == w.getDataType() ? keep : keep.toType(w.getDataType(), false);
                // d * ema + (1 - d) * w = d * (ema - w) + w, in place and without temporaries.
                e.getValue().subi(w).muli(k.toDevice(w.getDevice(), false)).addi(w);
            }
        }
    }

    /** Puts the averaged weights into the model; closing puts the trained ones back. */
    private RunContext.WeightSwap swapIn() {
        Map<String, NDArray> saved = new LinkedHashMap<>();
        NDManager scope = manager.newSubManager();
        for (Map.Entry<String, NDArray> e : average.entrySet()) {
            NDArray w = params.get(e.getKey());
            NDArray copy = w.duplicate();
            copy.attach(scope);
            saved.put(e.getKey(), copy);
            w.set(ALL, e.getValue());
        }
        return () -> {
            try (scope) {
                saved.forEach((name, copy) -> params.get(name).set(ALL, copy));
            }
        };
    }

    @Override
    public void afterRun(RunContext c) {
        if (manager != null) {
            manager.close();
        }
    }

    @Override
    public String checkpointFile() {
        return FILE;
    }

    @Override
    public Map<String, NDArray> checkpointTensors() {
        return average;
    }

    @Override
    public void restore(Map<String, NDArray> tensors) {
        restored = new LinkedHashMap<>(tensors);
    }

    /** Reads the averaged weights of a checkpoint folder, for tests and tools. */
    public static Map<String, NDArray> read(java.nio.file.Path checkpoint, NDManager manager) throws IOException {
        org.easycv4j.core.checkpoint.Checkpoints.verify(checkpoint, FILE);
        return org.easycv4j.core.io.SafeTensors.read(checkpoint.resolve(FILE), manager);
    }
}
