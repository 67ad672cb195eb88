package org.easycv4j.core.runner;

import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LossScaler;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.optim.ParamGroupTable;

/**
 * What the runner gives every hook once, through {@link Hook#setUp}, before {@code beforeRun}: the trained model
 * and its optimizer, the run's manager, collective and val loop, the run's records and the two ways a hook speaks
 * to the others. {@link RunContext} says where the run stands; this says what a hook may use. A hook keeps what it
 * needs.
 */
public final class RunServices {
    private final Experiment experiment;
    private final NDManager manager;
    private final TaskModel model;
    private final List<NamedParameter> parameters;
    private final Optimizer optimizer;
    private final Collective collective;
    private final Optional<LossScaler> lossScaler;
    private final String resolvedConfig;
    private final String provenance;
    private final double trainedBefore;
    private final int globalBatch;
    private final Optional<ParamGroupTable> paramGroups;
    private final ValLoop valLoop;
    private Hooks hooks = new Hooks(List.of());
    private RunContext context;

    private RunServices(Builder b) {
        experiment = b.experiment;
        manager = Objects.requireNonNull(b.manager, "manager");
        model = b.model;
        parameters = b.parameters == null ? null : List.copyOf(b.parameters);
        optimizer = b.optimizer;
        collective = b.collective;
        lossScaler = b.lossScaler;
        resolvedConfig = b.resolvedConfig;
        provenance = b.provenance;
        trainedBefore = b.trainedBefore;
        globalBatch = b.globalBatch;
        paramGroups = Optional.ofNullable(b.paramGroups);
        valLoop = b.valLoop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects the services to the run's hooks and progress, for the two publishing methods. */
    void connect(Hooks hooks, RunContext context) {
        this.hooks = hooks;
        this.context = context;
    }

    /** The run's typed settings (the checkpoint, evaluation and progress sections among them); null in unit tests. */
    public Experiment experiment() {
        return experiment;
    }

    /** The run's manager on the training device: arrays a hook keeps across iterations belong here. */
    public NDManager manager() {
        return manager;
    }

    /** The model being trained (null for hooks tested without one). */
    public TaskModel model() {
        return model;
    }

    /** Every parameter of the model by its checkpoint name, the frozen ones included. */
    public List<NamedParameter> parameters() {
        return parameters != null ? parameters : model != null ? model.namedParameters() : List.of();
    }

    /** The optimizer (null for hooks tested without one); its lr is the current step's. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The processes of a data-parallel job (one process: {@link Collective#single()}). */
    public Collective collective() {
        return collective;
    }

    /** The dynamic loss scaler when training with mixed precision ({@code amp = fp16}). */
    public Optional<LossScaler> lossScaler() {
        return lossScaler;
    }

    /** The run's resolved configuration as HOCON (what its checkpoints store); empty when not known. */
    public String resolvedConfig() {
        return resolvedConfig;
    }

    /** The run's {@code provenance.json} (rank 0; empty elsewhere). */
    public String provenance() {
        return provenance;
    }

    /** Wall seconds of the runs this one resumed from (0 for a fresh run). */
    public double trainedBefore() {
        return trainedBefore;
    }

    /** Images per iteration over all ranks. */
    public int globalBatch() {
        return globalBatch;
    }

    /** Every parameter's layer, lr scale and weight decay (what param_groups.json holds); empty in unit tests. */
    public Optional<ParamGroupTable> paramGroups() {
        return paramGroups;
    }

    /**
     * The run's {@code val_loop}, for a hook with a validation of its own (the kNN monitor): it evaluates its set
     * as the runner evaluates {@code eval_pipelines}. The default {@code ValLoop} when not given (hook tests).
     */
    public ValLoop valLoop() {
        return valLoop;
    }

    /** The hooks whose state each checkpoint holds in a file of its own (the EMA weights). */
    public List<CheckpointedHook> checkpointedHooks() {
        return CheckpointedHook.among(hooks.list());
    }

    /**
     * Puts the weights validation should see into the model until the result is closed: the average of a hook
     * that offers {@link EvalWeights} (the EMA hook), else the trained ones.
     */
    public RunContext.WeightSwap evalWeights() {
        for (Hook h : hooks.list()) {
            if (h instanceof EvalWeights w) {
                Optional<RunContext.WeightSwap> swap = w.evalWeights();
                if (swap.isPresent()) {
                    return swap.get();
                }
            }
        }
        return () -> {};
    }

    /**
     * Hands validation metrics (the runner's validation, or a monitor's own such as the kNN hook) to every hook's
     * {@code afterVal}; the latest validation metrics of {@link RunContext#valMetrics()} become them.
     */
    public void publishValMetrics(Map<String, Double> metrics) {
        context.setValMetrics(metrics);
        hooks.afterVal(context, context.valMetrics());
    }

    /** Hands a logger's record (a line of {@code metrics.jsonl}) to every hook's {@code afterLog}. */
    public void publishLog(Map<String, Object> record) {
        hooks.afterLog(context, Collections.unmodifiableMap(new LinkedHashMap<>(record)));
    }

    /** A hook whose weights validation should see instead of the trained ones. */
    public interface EvalWeights {
        /** Swaps the weights in until closed; empty to leave the trained ones. */
        Optional<RunContext.WeightSwap> evalWeights();
    }

    /** Builds the services: {@code setManager} is required, the rest optional (hook tests need few). */
    public static final class Builder {
        private Experiment experiment;
        private NDManager manager;
        private TaskModel model;
        private List<NamedParameter> parameters;
        private Optimizer optimizer;
        private Collective collective = Collective.single();
        private Optional<LossScaler> lossScaler = Optional.empty();
        private String resolvedConfig = "";
        private String provenance = "";
        private double trainedBefore;
        private int globalBatch;
        private ParamGroupTable paramGroups;
        private ValLoop valLoop = new DefaultValLoop();

        private Builder() {}

        public Builder optValLoop(ValLoop loop) {
            this.valLoop = loop;
            return this;
        }

        public Builder optParamGroups(ParamGroupTable table) {
            this.paramGroups = table;
            return this;
        }

        public Builder setManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        public Builder optExperiment(Experiment experiment) {
            this.experiment = experiment;
            return this;
        }

        public Builder optModel(TaskModel model) {
            this.model = model;
            return this;
        }

        /** The parameters as initialized (default: the model's). */
        public Builder optParameters(List<NamedParameter> parameters) {
            this.parameters = parameters;
            return this;
        }

        public Builder optOptimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder optCollective(Collective collective) {
            this.collective = collective;
            return this;
        }

        public Builder optLossScaler(Optional<LossScaler> scaler) {
            this.lossScaler = scaler;
            return this;
        }

        public Builder optResolvedConfig(String config) {
            this.resolvedConfig = config;
            return this;
        }

        public Builder optProvenance(String provenance) {
            this.provenance = provenance;
            return this;
        }

        public Builder optTrainedBefore(double seconds) {
            this.trainedBefore = seconds;
            return this;
        }

        public Builder optGlobalBatch(int images) {
            this.globalBatch = images;
            return this;
        }

        public RunServices build() {
            return new RunServices(this);
        }
    }
}
