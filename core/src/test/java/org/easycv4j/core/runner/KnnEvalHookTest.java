package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.eval.KnnEvaluator;
import org.easycv4j.core.model.FeaturePooling;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.runner.hooks.KnnEvalHook;
import org.easycv4j.core.testing.TestComponents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnnEvalHookTest {

    /**
     * The kNN monitor evaluates with the run's val loop (RunServices.valLoop): its query loader and its evaluator
     * reach that loop, and what the loop returns is published as the validation metrics.
     */
    @Test
    void theMonitorRunsItsPassThroughTheRunsValLoop(@TempDir Path dir) {
        List<ValLoop.Parts> passes = new ArrayList<>();
        ValLoop loop = parts -> {
            passes.add(parts);
            return Map.of("knn_top1", 42.0);
        };
        KnnEvaluator evaluator = new KnnEvaluator(new KnnEvaluator.Vote(3, 0.07, List.of(1), FeaturePooling.DEFAULT),
                TestComponents.regression(new TestComponents.RegressionSettings(8, 4)));
        // 10 queries in batches of 4: 3 batches.
        KnnEvalHook hook = new KnnEvalHook(evaluator,
                TestComponents.regression(new TestComponents.RegressionSettings(10, 4)), 1, true, 4, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            TaskModel model = withFeatures(TestComponents.linear(new TestComponents.LinearSettings(4)));
            RunServices services = RunServices.builder().setManager(manager).optModel(model).optValLoop(loop)
                    .build();
            RunContext context = new RunContext(dir, 2, 1, 1);
            Hooks hooks = new Hooks(List.of(hook));
            hooks.setUp(services, context);
            hook.beforeRun(context);
            hook.afterEpoch(context);
            hook.afterRun(context);
            assertEquals(2, passes.size(), "initial, then after the epoch");
            ValLoop.Parts parts = passes.get(0);
            assertSame(model, parts.model());
            assertEquals(List.of(evaluator), parts.evaluators());
            assertEquals(3, parts.loader().batchesPerEpoch());
            assertEquals(4, parts.bankLoading().batchSize(), "the bank is batched as the queries");
            assertSame(manager, parts.manager());
            assertEquals(Map.of("knn_top1", 42.0), context.valMetrics());
        }
    }

    /** {@code inner} with features of every pooling (none is extracted: the val loop here reads no batch). */
    private static TaskModel withFeatures(TaskModel inner) {
        return new TaskModel() {
            @Override
            public Block block() {
                return inner.block();
            }

            @Override
            public Shape[] inputShapes(int batchSize) {
                return inner.inputShapes(batchSize);
            }

            @Override
            public StepOutput forward(ParameterStore ps, Batch batch, boolean training) {
                return inner.forward(ps, batch, training);
            }

            @Override
            public void checkFeatures(FeaturePooling pooling) {}
        };
    }
}
