package org.easycv4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered model, built from config through the registry in its tiny variant, trains one step. */
class AllModelsTest {

    /** The tiny variant of each registered model: 32×32 images, patch 8, width 32, depth 2. */
    static final Map<String, String> TINY = Map.of(
            "MAE", "type = MAE, img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, num_heads = 4, "
                    + "decoder_embed_dim = 32, decoder_depth = 2, decoder_num_heads = 4",
            "ViTClassifier", "type = ViTClassifier, img_size = 32, patch_size = 8, embed_dim = 32, depth = 2, "
                    + "num_heads = 4, num_classes = 3, drop_path_rate = 0.1");

    static Components components() {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(PluginModule.class).forEach(modules::add);
        Injector injector = Guice.createInjector(modules);
        return injector.getInstance(Components.class);
    }

    static Stream<String> registered() {
        return components().types(TaskModel.KIND).keySet().stream();
    }

    @Test
    void everyRegisteredModelHasATinyVariant() {
        assertEquals(TINY.keySet(), components().types(TaskModel.KIND).keySet());
    }

    @ParameterizedTest
    @MethodSource("registered")
    void forwardAndBackwardOfTheTinyVariant(String type) {
        ConfigNode root = ConfigNode.root(ConfigFactory.parseString("model { " + TINY.get(type) + " }"));
        Spec<TaskModel> spec = components().parse(root.object("model"), TaskModel.KIND).orElseThrow();
        assertTrue(root.problems().isEmpty(), root.problems().list().toString());
        TaskModel model = spec.create(new BuildContext(Path.of("."), 0, 2, false));
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.block().initialize(manager, DataType.FLOAT32, model.inputShapes(2));
            List<NamedParameter> params = model.namedParameters();
            assertEquals(params.size(), params.stream().map(NamedParameter::name).distinct().count());
            try (NDManager step = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray images = step.randomNormal(model.inputShapes(2)[0]);
                NDList labels = type.equals("MAE") ? new NDList() : new NDList(step.create(new long[] {0, 2}));
                StepOutput out = model.forward(new ParameterStore(manager, false), new Batch(new NDList(images),
                        labels, 2), true);
                assertEquals(new Shape(), out.loss().getShape());
                assertTrue(Float.isFinite(out.loss().getFloat()));
                assertFalse(out.outputs().isEmpty());
                gc.backward(out.loss());
            }
            for (NamedParameter p : params) {
                if (!p.parameter().requiresGradient()) {
                    assertTrue(p.name().endsWith("pos_embed"), p.name() + " is fixed");
                    continue;
                }
                try (NDArray g = p.parameter().getArray().getGradient()) {
                    float[] v = g.toFloatArray();
                    boolean finite = true;
                    boolean nonZero = false;
                    for (float x : v) {
                        finite &= Float.isFinite(x);
                        nonZero |= x != 0;
                    }
                    assertTrue(finite, p.name());
                    assertTrue(nonZero, p.name() + " gets no gradient");
                }
            }
        }
    }
}
