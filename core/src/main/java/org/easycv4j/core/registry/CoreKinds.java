package org.easycv4j.core.registry;

import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.runner.Hook;

/** The kinds of component the runner consumes. Data sources and transforms are declared by the data module. */
public final class CoreKinds {
    private CoreKinds() {}

    public static final Kind<Dataset> DATASET = Kind.of("dataset", Dataset.class,
            "a dataset: a data source plus a pipeline, iterated in batches");
    public static final Kind<TaskModel> MODEL = Kind.of("model", TaskModel.class,
            "a network plus the task logic that turns a batch into a loss");
    public static final Kind<Optimizer> OPTIMIZER = Kind.of("optimizer", Optimizer.class,
            "updates parameters from gradients");
    public static final Kind<LrSchedule> LR_SCHEDULE = Kind.of("lr schedule", LrSchedule.class,
            "the learning rate as a function of the iteration (lr_config.policy)");
    public static final Kind<Hook> HOOK = Kind.of("hook", Hook.class,
            "runs code at points of the training loop (logging, checkpoints, evaluation, ...)");
    public static final Kind<Collective> LAUNCHER = Kind.of("launcher", Collective.class,
            "how the processes of a job were started and join each other (--launcher)");
    public static final Kind<Evaluator> EVALUATOR = Kind.of("evaluator", Evaluator.class,
            "turns model outputs on a validation set into metrics");
}
