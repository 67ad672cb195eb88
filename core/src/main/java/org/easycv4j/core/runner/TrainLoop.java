package org.easycv4j.core.runner;

import java.util.List;
import java.util.Optional;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.dist.ReplicaSync;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.ParamScheduler;
import org.easycv4j.core.registry.Kind;

/**
 * How a run goes through its training batches (registry kind "train loop", the config's {@code train_loop}):
 * forward, backward, optimizer steps, the hooks around them and the runner's validation where it is due. The
 * runner builds the parts and hands them over; a loop holds only its own settings.
 */
public interface TrainLoop {
    /** The registry kind of {@code TrainLoop}s (tools/list train_loop): what {@code train_loop.type} names. */
    Kind<TrainLoop> KIND = Kind.of("train loop", TrainLoop.class,
            "goes through the training batches, optimizer steps, hooks and validation (train_loop)");

    /**
     * Trains from {@code start} to the end of the run, or until the ranks agree to stop; a start after the last
     * batch of an epoch ({@code epochIter == itersPerEpoch}) runs only that epoch's end.
     */
    Outcome run(Parts parts, RunContext context, Position start);

    /** Where the last {@link #run} stopped early; null when it completed. */
    Position stoppedAt();

    /** Where training starts: epoch {@code epoch} (0-based) after its first {@code epochIter} batches. */
    record Position(int epoch, int epochIter) {
        public static final Position START = new Position(0, 0);
    }

    /** How a run ended. */
    enum Outcome {
        /** Every epoch was trained. */
        COMPLETED,
        /** A stop was requested and the ranks stopped together; the resume checkpoint is written. */
        STOPPED
    }

    /** Writes the checkpoint a stopped run resumes from (rank 0's checkpoint hook; a no-op elsewhere). */
    @FunctionalInterface
    interface StopCheckpoint {
        /** Saves the state after {@code epochIter} batches of {@code epoch}. */
        void save(RunContext context, int epoch, int epochIter);
    }

    /**
     * What the runner gives a loop: its services (model, optimizer, scaler, collective), the trainable parameters,
     * the training loader, the hooks, the parameter scheduler, {@code optimizer_config}, the validation, the
     * gradient averaging of a data-parallel job, the seed, and how a stop is asked for and saved.
     */
    record Parts(RunServices services, List<NamedParameter> trainable, DataLoader loader, Hooks hooks,
            ParamScheduler scheduler, Experiment.OptimizerConfig config, Validation validation,
            Optional<ReplicaSync> sync, long seed, Optional<StopSignals> stops, StopCheckpoint stopCheckpoint) {

        public static Builder builder() {
            return new Builder();
        }

        /**
         * {@code setServices}, {@code setTrainable}, {@code setLoader}, {@code setHooks}, {@code setScheduler} and
         * {@code setConfig} are required; without {@code optValidation} nothing is validated, without
         * {@code optSync} it is one process, without {@code optStops} the loop runs to the end.
         */
        public static final class Builder {
            private RunServices services;
            private List<NamedParameter> trainable;
            private DataLoader loader;
            private Hooks hooks;
            private ParamScheduler scheduler;
            private Experiment.OptimizerConfig config;
            private Validation validation = Validation.none();
            private ReplicaSync sync;
            private long seed;
            private StopSignals stops;
            private StopCheckpoint stopCheckpoint = (c, epoch, epochIter) -> {};

            private Builder() {}

            public Builder setServices(RunServices services) {
                this.services = services;
                return this;
            }

            public Builder setTrainable(List<NamedParameter> trainable) {
                this.trainable = trainable;
                return this;
            }

            public Builder setLoader(DataLoader loader) {
                this.loader = loader;
                return this;
            }

            public Builder setHooks(Hooks hooks) {
                this.hooks = hooks;
                return this;
            }

            public Builder setScheduler(ParamScheduler scheduler) {
                this.scheduler = scheduler;
                return this;
            }

            public Builder setConfig(Experiment.OptimizerConfig config) {
                this.config = config;
                return this;
            }

            public Builder optValidation(Validation validation) {
                this.validation = validation;
                return this;
            }

            public Builder optSync(ReplicaSync sync) {
                this.sync = sync;
                return this;
            }

            public Builder optSeed(long seed) {
                this.seed = seed;
                return this;
            }

            /** Lets {@code stops} end the run early; {@code checkpoint} then saves where it stopped. */
            public Builder optStops(StopSignals stops, StopCheckpoint checkpoint) {
                this.stops = stops;
                this.stopCheckpoint = checkpoint;
                return this;
            }

            public Parts build() {
                for (Object part : new Object[] {services, trainable, loader, hooks, scheduler, config}) {
                    if (part == null) {
                        throw new IllegalStateException("a train loop needs services, trainable parameters, a "
                                + "loader, hooks, a scheduler and the optimizer config");
                    }
                }
                return new Parts(services, List.copyOf(trainable), loader, hooks, scheduler, config, validation,
                        Optional.ofNullable(sync), seed, Optional.ofNullable(stops), stopCheckpoint);
            }
        }
    }
}
