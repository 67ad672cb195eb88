package org.easycv4j.models.cls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.optim.ParamGroupTable;
import org.easycv4j.core.runner.OptimStep;
import org.easycv4j.models.Fixtures;
import org.easycv4j.models.TrainingHarness;
import org.junit.jupiter.api.Test;

/** frozen_stages: frozen parameters never change, have no optimizer state, and the rest trains as before. */
class FrozenStagesTest {

    static ViTClassifier classifier(String extra) {
        return new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config("img_size = 32, patch_size = 8, "
                + "embed_dim = 32, depth = 3, num_heads = 4, num_classes = 4, drop_path_rate = 0.2, " + extra)));
    }

    private static List<NamedParameter> trainable(ViTClassifier m) {
        return m.namedParameters().stream().filter(p -> p.parameter().requiresGradient()).toList();
    }

    private static Map<String, float[]> values(ViTClassifier m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (NamedParameter p : m.namedParameters()) {
            out.put(p.name(), p.parameter().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void frozenParametersAreBitIdenticalAfterStepsAndAbsentFromTheOptimizer() {
        Engine.getInstance().setRandomSeed(5);
        float[] pixels = TrainingHarness.sinusoids(8, 3, 32, 3);
        long[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
        try (NDManager manager = NDManager.newBaseManager()) {
            ViTClassifier model = classifier("frozen_stages = 2");
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(8));
            List<NamedParameter> trainable = trainable(model);
            Set<String> trainableNames = trainable.stream().map(NamedParameter::name).collect(Collectors.toSet());
            for (NamedParameter p : model.namedParameters()) {
                boolean frozen = p.name().equals("cls_token") || p.name().equals("pos_embed")
                        || p.name().startsWith("patch_embed.") || p.name().startsWith("blocks.0.")
                        || p.name().startsWith("blocks.1.");
                assertEquals(!frozen, trainableNames.contains(p.name()), p.name());
            }
            // Weight decay on: a frozen parameter reached by the update would shrink.
            AdamW opt = new AdamW(AdamWSettings.fromConfig(ConfigNode.root(ConfigFactory.parseString(
                    "lr = 1e-2, weight_decay = 0.5, layer_decay = 0.75"))));
            opt.init(trainable, model.layerIds(), manager);
            Map<String, float[]> before = values(model);
            OptimStep step = new OptimStep(trainable, opt, 1.0, 3);
            for (int i = 0; i < 3; i++) {
                TrainingHarness.step(model, step, Optional.empty(), manager,
                        m -> TrainingHarness.images(m, pixels, new Shape(8, 3, 32, 32), m.create(labels)));
            }
            Map<String, float[]> after = values(model);
            for (String name : before.keySet()) {
                if (trainableNames.contains(name)) {
                    assertFalse(java.util.Arrays.equals(before.get(name), after.get(name)), name + " trained");
                } else {
                    assertArrayEquals(before.get(name), after.get(name), 0f, name + " frozen");
                    assertFalse(model.namedParameters().stream().filter(p -> p.name().equals(name)).findFirst()
                            .orElseThrow().parameter().getArray().hasGradient(), name + " has a gradient");
                }
            }
            Set<String> stateNames = opt.state().keySet().stream().map(k -> k.substring(k.indexOf('.') + 1))
                    .collect(Collectors.toSet());
            assertEquals(trainableNames, stateNames);

            // param_groups.json's table: frozen rows, and the trainable blocks keep full fine-tuning's lr scales.
            ParamGroupTable table = ParamGroupTable.of(model.namedParameters(), model.layerIds(), opt);
            ParamGroupTable.Row frozen = table.rows().stream().filter(r -> r.name().equals("blocks.1.attn.qkv.weight"))
                    .findFirst().orElseThrow();
            assertFalse(frozen.trainable());
            assertEquals(0.0, frozen.weightDecay());
            ParamGroupTable.Row last = table.rows().stream().filter(r -> r.name().equals("blocks.2.attn.qkv.weight"))
                    .findFirst().orElseThrow();
            assertTrue(last.trainable());
            assertEquals(0.75, last.lrScale(), 1e-12); // 0.75^(num_layers 4 - layer id 3)
        }
    }

    @Test
    void allStagesFrozenLeavesOnlyTheHeadAndNoDropPath() {
        ViTClassifier model = classifier("frozen_stages = 3, use_global_pool = true, head_bn = true");
        try (NDManager manager = NDManager.newBaseManager()) {
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(2));
            assertEquals(List.of("head.1.weight", "head.1.bias"), trainable(model).stream().map(NamedParameter::name)
                    .toList());
            List<String> names = model.namedParameters().stream().map(NamedParameter::name).toList();
            assertTrue(names.containsAll(List.of("head.0.running_mean", "head.0.running_var", "fc_norm.weight")),
                    names.toString());
            // Drop path 0.2 is configured, but frozen blocks run as in evaluation: training = inference.
            float[] pixels = TrainingHarness.sinusoids(4, 3, 32, 1);
            try (NDManager m = manager.newSubManager()) {
                var x = m.create(pixels, new Shape(4, 3, 32, 32));
                var store = new ai.djl.training.ParameterStore(manager, false);
                Engine.getInstance().setRandomSeed(1);
                float[] a = model.network().forward(store, new ai.djl.ndarray.NDList(x), true).head().toFloatArray();
                Engine.getInstance().setRandomSeed(2);
                float[] b = model.network().forward(store, new ai.djl.ndarray.NDList(x), true).head().toFloatArray();
                assertArrayEquals(a, b, 0f);
            }
        }
    }

    @Test
    void frozenStagesBeyondTheDepthIsAConfigError() {
        ConfigNode n = Fixtures.config("img_size = 32, patch_size = 8, embed_dim = 32, depth = 3, num_heads = 4, "
                + "frozen_stages = 4");
        ViTClassifierSettings.fromConfig(n);
        assertTrue(n.problems().list().toString().contains("frozen_stages"), n.problems().list().toString());
    }
}
