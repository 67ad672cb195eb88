package org.easycv4j.core.runner;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.eval.Evaluator;
import org.easycv4j.core.eval.FeatureEvaluator;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.Kind;

/**
 * How a validation set is evaluated (registry kind "val loop", the config's {@code val_loop}): the runner's
 * validation of every {@code eval_pipelines} entry during training, {@code tools/eval}, and the kNN monitor's own
 * pass. The runner (or the hook) builds the parts and hands them over; a loop holds only its own settings, so one
 * loop serves every set.
 */
public interface ValLoop {
    /** The registry kind of {@code ValLoop}s (tools/list val_loop): what {@code val_loop.type} names. */
    Kind<ValLoop> KIND = Kind.of("val loop", ValLoop.class,
            "one pass over a validation set feeding its evaluators (val_loop)");

    /** Runs the pass; metric names are the evaluators' plus {@code loss} (when the model computes one). */
    Map<String, Double> run(Parts parts);

    /**
     * What a loop evaluates: the model, this rank's loader of the set, the evaluators, the job's collective, how a
     * feature evaluator's bank is batched, and the manager whose sub-managers hold the pass's arrays.
     */
    record Parts(TaskModel model, DataLoader loader, List<Evaluator> evaluators, Collective collective,
            LoaderSettings bankLoading, NDManager manager) {

        public static Builder builder() {
            return new Builder();
        }

        /**
         * {@code setModel}, {@code setLoader}, {@code setEvaluators} and {@code setManager} are required; without
         * {@code optCollective} it is one process, without {@code optBankLoading} a bank is read 32 at a time.
         */
        public static final class Builder {
            private TaskModel model;
            private DataLoader loader;
            private List<Evaluator> evaluators;
            private Collective collective = Collective.single();
            private LoaderSettings bankLoading = new LoaderSettings(32, 0, false, false, 0, 0, 1, false);
            private NDManager manager;

            private Builder() {}

            public Builder setModel(TaskModel model) {
                this.model = model;
                return this;
            }

            /** This rank's loader of the set (each rank scores its share, every sample exactly once). */
            public Builder setLoader(DataLoader loader) {
                this.loader = loader;
                return this;
            }

            public Builder setEvaluators(List<Evaluator> evaluators) {
                this.evaluators = evaluators;
                return this;
            }

            public Builder setManager(NDManager manager) {
                this.manager = manager;
                return this;
            }

            public Builder optCollective(Collective collective) {
                this.collective = collective;
                return this;
            }

            /** How a feature evaluator's bank is batched (each rank its share, gathered on every rank). */
            public Builder optBankLoading(LoaderSettings bankLoading) {
                this.bankLoading = bankLoading;
                return this;
            }

            /**
             * Checks, when the parts are put together (before training), what no loop can evaluate: a feature
             * evaluator on a model without features of its pooling, or in a data-parallel job an evaluator whose
             * results cannot be added over the ranks.
             */
            public Parts build() {
                for (Object part : new Object[] {model, loader, evaluators, manager}) {
                    if (part == null) {
                        throw new IllegalStateException("a val loop needs a model, a loader, evaluators and a manager");
                    }
                }
                for (Evaluator e : evaluators) {
                    if (e instanceof FeatureEvaluator f) {
                        model.checkFeatures(f.pooling());
                    }
                }
                if (collective.size() > 1) {
                    for (Evaluator e : evaluators) {
                        if (e.counts().isEmpty()) {
                            throw new IllegalArgumentException(e.getClass().getSimpleName() + " cannot add its "
                                    + "results over the ranks of a data-parallel job; evaluate with one process "
                                    + "(tools/eval)");
                        }
                    }
                }
                return new Parts(model, loader, List.copyOf(evaluators), collective, bankLoading, manager);
            }
        }
    }
}
