package org.easycv4j.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.google.inject.AbstractModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.DataLoader;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.data.LoaderSettings;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.core.runner.DefaultValLoop;
import org.easycv4j.core.runner.EpochBasedTrainLoop;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.runner.RunServices;
import org.easycv4j.core.runner.StopSignals;
import org.easycv4j.core.runner.TrainLoop;
import org.easycv4j.core.runner.ValLoop;

/**
 * Test-only components registered by a test-only Guice module, the way a user's jar registers its own:
 * a linear regression model and a generated regression dataset.
 */
public final class TestComponents extends AbstractModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), TaskModel.KIND).add(ComponentType.of("TestLinear", "linear regression (tests)",
                LinearSettings::fromConfig, (s, ctx) -> linear(s)));
        Registrations.of(binder(), Dataset.KIND).add(ComponentType.of("TestRegression",
                "generated linear regression data (tests)", RegressionSettings::fromConfig,
                (s, ctx) -> regression(s)));
        Registrations.of(binder(), Hook.KIND).add(ComponentType.of("TestStopAt",
                "requests a stop after an iteration (tests)", StopAtSettings::fromConfig, (s, ctx) -> stopAt(s)))
                .add(ComponentType.of("TestEpochMarks", "writes marks/epoch_N with the optimizer's lr and weight-decay factor (tests)",
                        n -> n, (s, ctx) -> epochMarks()));
        Registrations.of(binder(), TrainLoop.KIND).add(ComponentType.of("TestRecordingLoop",
                "the epoch loop, writing loop_runs in the work dir first (tests)", n -> n,
                (s, ctx) -> recordingLoop()));
        Registrations.of(binder(), ValLoop.KIND).add(ComponentType.of("TestRecordingValLoop",
                "the default val loop, adding a line per pass to file first (tests)", RecordingValSettings::fromConfig,
                (s, ctx) -> recordingValLoop(s)));
    }

    /** {@code type = TestRecordingValLoop, file = PATH}: where the loop says that it ran. */
    public record RecordingValSettings(Path file) {
        static RecordingValSettings fromConfig(ConfigNode node) {
            return new RecordingValSettings(Path.of(node.string("file")));
        }
    }

    /**
     * A val loop that adds a line to {@code s.file()} for every pass (the number of samples its loader holds and the
     * evaluators it feeds), then evaluates as the default loop.
     */
    public static ValLoop recordingValLoop(RecordingValSettings s) {
        ValLoop inner = new DefaultValLoop();
        return parts -> {
            int batches = parts.loader().batchesPerEpoch();
            try {
                Files.writeString(s.file(), "pass of " + batches + " batches, " + parts.evaluators().size()
                        + " evaluators\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return inner.run(parts);
        };
    }

    /** A train loop that says in {@code loop_runs} that it ran (one line per start), then trains as the default. */
    public static TrainLoop recordingLoop() {
        TrainLoop inner = new EpochBasedTrainLoop();
        return new TrainLoop() {
            @Override
            public Outcome run(Parts parts, RunContext context, Position start) {
                try {
                    Files.writeString(context.workDir().resolve("loop_runs"), "from " + start + "\n",
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return inner.run(parts, context, start);
            }

            @Override
            public Position stoppedAt() {
                return inner.stoppedAt();
            }
        };
    }

    /**
     * A hook writing {@code marks/epoch_N} in the work dir after every epoch, holding the optimizer's lr and weight-decay
     * factor there: what
     * a replacement of a default hook sees through its services.
     */
    public static Hook epochMarks() {
        return new Hook() {
            private RunServices services;

            @Override
            public void setUp(RunServices services) {
                this.services = services;
            }

            @Override
            public void afterEpoch(RunContext c) {
                try {
                    Path dir = Files.createDirectories(c.workDir().resolve("marks"));
                    Files.writeString(dir.resolve("epoch_" + (c.epoch() + 1)),
                            services.optimizer().lr() + " " + services.optimizer().weightDecayScale());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** {@code type = TestStopAt, iter = N}: requests a stop after global iteration N, as a signal would. */
    public record StopAtSettings(long iter) {
        static StopAtSettings fromConfig(ConfigNode node) {
            return new StopAtSettings(node.longValue("iter"));
        }
    }

    /** A hook requesting a stop after iteration {@code s.iter()}. */
    public static Hook stopAt(StopAtSettings s) {
        return new Hook() {
            @Override
            public void afterIter(RunContext c) {
                if (c.iter() == s.iter()) {
                    StopSignals.process().request("TestStopAt " + s.iter());
                }
            }
        };
    }

    /** {@code type = TestLinear, in_features = 4}: y = w·x + b with a mean-squared-error loss. */
    public record LinearSettings(int inFeatures) {
        static LinearSettings fromConfig(ConfigNode node) {
            return new LinearSettings(node.integerAtLeast("in_features", 4, 1));
        }
    }

    /** The linear model of {@code s}. */
    public static TaskModel linear(LinearSettings s) {
        Linear fc = Linear.builder().setUnits(1).build();
        return new TaskModel() {
            @Override
            public Block block() {
                return fc;
            }

            @Override
            public Shape[] inputShapes(int batchSize) {
                return new Shape[] {new Shape(batchSize, s.inFeatures())};
            }

            @Override
            public StepOutput forward(ParameterStore ps, Batch batch, boolean training) {
                NDArray y = fc.forward(ps, new NDList(batch.inputs().get(0)), training).singletonOrThrow();
                NDArray diff = y.reshape(-1).sub(batch.labels().get(0));
                return new StepOutput(diff.square().mean(), new NDList(y));
            }
        };
    }

    /** {@code type = TestRegression, num_samples, in_features}: y = sum(x) + 1 exactly. */
    public record RegressionSettings(int numSamples, int inFeatures) {
        static RegressionSettings fromConfig(ConfigNode node) {
            return new RegressionSettings(node.integerAtLeast("num_samples", 64, 1),
                    node.integerAtLeast("in_features", 4, 1));
        }
    }

    /** Generated regression data. */
    public static Dataset regression(RegressionSettings s) {
        float[][] x = new float[s.numSamples()][s.inFeatures()];
        float[] y = new float[s.numSamples()];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < s.inFeatures(); j++) {
                x[i][j] = (float) r.nextGaussian();
                y[i] += x[i][j];
            }
            y[i] += 1;
        }
        return new Dataset() {
            @Override
            public int size() {
                return x.length;
            }

            @Override
            public DataLoader loader(LoaderSettings ls) {
                return new DataLoader() {
                    @Override
                    public int batchesPerEpoch() {
                        return ls.dropLast() ? x.length / ls.batchSize()
                                : (x.length + ls.batchSize() - 1) / ls.batchSize();
                    }

                    @Override
                    public Iterator<Batch> epoch(int epoch, NDManager manager) {
                        return epoch(epoch, manager, 0);
                    }

                    @Override
                    public Iterator<Batch> epoch(int epoch, NDManager manager, int first) {
                        return new Iterator<>() {
                            int next = first;

                            @Override
                            public boolean hasNext() {
                                return next < batchesPerEpoch();
                            }

                            @Override
                            public Batch next() {
                                if (!hasNext()) {
                                    throw new NoSuchElementException();
                                }
                                int from = next++ * ls.batchSize();
                                int n = Math.min(ls.batchSize(), x.length - from);
                                float[] flat = new float[n * s.inFeatures()];
                                float[] labels = new float[n];
                                for (int i = 0; i < n; i++) {
                                    System.arraycopy(x[from + i], 0, flat, i * s.inFeatures(), s.inFeatures());
                                    labels[i] = y[from + i];
                                }
                                return new Batch(new NDList(manager.create(flat, new Shape(n, s.inFeatures()))),
                                        new NDList(manager.create(labels)), n);
                            }
                        };
                    }
                };
            }
        };
    }
}
