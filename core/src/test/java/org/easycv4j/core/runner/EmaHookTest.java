package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.io.SafeTensors;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.runner.hooks.EmaHook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmaHookTest {

    /** A model that is just the given parameters. */
    private static TaskModel model(List<NamedParameter> params) {
        return new TaskModel() {
            @Override
            public Block block() {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<NamedParameter> namedParameters() {
                return params;
            }

            @Override
            public Shape[] inputShapes(int batchSize) {
                return new Shape[0];
            }

            @Override
            public StepOutput forward(ParameterStore parameters, Batch batch, boolean training) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void theAverageEqualsTheHandComputedOneAndEvaluationSwapsItIn(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.OTHER).optShape(new Shape(2))
                    .optInitializer((mm, s, t) -> mm.create(new float[] {1, 2})).build();
            w.initialize(m, DataType.FLOAT32);
            RunContext c = new RunContext(dir, 1, 2, 1);
            RunServices services = RunServices.builder().setManager(m)
                    .optModel(model(List.of(new NamedParameter("w", w)))).build();
            EmaHook hook = new EmaHook(0.9, 10, true);
            new Hooks(List.of(hook)).setUp(services, c);
            hook.beforeRun(c);
            // EasyCV: d = 0.9 (1 - exp(-updates / 10)); updates 1 then 2.
            double d1 = 0.9 * (1 - Math.exp(-0.1));
            double d2 = 0.9 * (1 - Math.exp(-0.2));
            assertEquals(d1, hook.decayAt(1), 1e-15);
            w.getArray().set(new float[] {3, 0});
            c.setIteration(0, 0);
            hook.afterIter(c);
            w.getArray().set(new float[] {5, -1});
            c.setIteration(1, 1);
            hook.afterIter(c);
            double e0 = d2 * (d1 * 1 + (1 - d1) * 3) + (1 - d2) * 5;
            double e1 = d2 * (d1 * 2 + (1 - d1) * 0) + (1 - d2) * -1;
            assertArrayEquals(new float[] {(float) e0, (float) e1},
                    hook.checkpointTensors().get("w").toFloatArray(), 1e-6f);
            try (RunContext.WeightSwap swap = services.evalWeights()) {
                assertArrayEquals(new float[] {(float) e0, (float) e1}, w.getArray().toFloatArray(), 1e-6f);
            }
            assertArrayEquals(new float[] {5, -1}, w.getArray().toFloatArray(), 0f, "trained weights are back");
            hook.afterRun(c);
        }
    }

    @Test
    void averageIsCheckpointedResumedExactlyAndEvaluable(@TempDir Path dir) throws Exception {
        String ema = "custom_hooks=[{type=EMAHook, decay=0.9, warmup_iters=3}]";
        Path full = dir.resolve("full");
        TrainRuns.runner(full, "total_epochs=4", ema).train(false);
        Path part = dir.resolve("part");
        TrainRuns.runner(part, "total_epochs=2", ema).train(false);
        TrainRuns.runner(part, "total_epochs=4", ema, "resume_from=\"" + part.resolve("epoch_2") + "\"").train(false);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = SafeTensors.read(full.resolve("epoch_4").resolve(EmaHook.FILE), m);
            Map<String, NDArray> b = SafeTensors.read(part.resolve("epoch_4").resolve(EmaHook.FILE), m);
            Map<String, NDArray> weights = SafeTensors.read(full.resolve("epoch_4").resolve(Checkpoints.MODEL), m);
            assertEquals(weights.keySet(), a.keySet());
            for (String k : a.keySet()) {
                assertTrue(a.get(k).contentEquals(b.get(k)), k + ": resumed average equals the uninterrupted one");
                assertTrue(!a.get(k).contentEquals(weights.get(k)), k + ": the average is not the weights");
            }
        }
        // The averaged weights load wherever a weights file does (tools/eval, tools/export).
        try (NDManager m = NDManager.newBaseManager()) {
            TaskModel model = org.easycv4j.core.testing.TestComponents.linear(
                    new org.easycv4j.core.testing.TestComponents.LinearSettings(4));
            model.block().initialize(m, DataType.FLOAT32, model.inputShapes(1));
            WeightLoader.load(full.resolve("epoch_4").resolve(EmaHook.FILE), model.namedParameters(), NameMapping.IDENTITY,
                    LoadPolicy.STRICT, m);
        }
    }
}
