package org.easycv4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.AdamW;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.LrSchedule;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.testing.Fixtures;
import org.easycv4j.core.testing.TestComponents;
import org.junit.jupiter.api.Test;

class RegistryTest {

    /** A user's model, registered by a module named in a config's {@code modules}. */
    public static final class FancyModule extends AbstractModule {
        @Override
        protected void configure() {
            Registrations.of(binder(), TaskModel.KIND).add(ComponentType.of("Fancy", "a user's model",
                    FancySettings::fromConfig, (s, ctx) -> fancy(s)));
        }
    }

    /** Registers AdamW a second time, which must fail. */
    public static final class DuplicateModule extends AbstractModule {
        @Override
        protected void configure() {
            Registrations.of(binder(), Optimizer.KIND).add(ComponentType.of("AdamW", "clashes with core's AdamW",
                    AdamWSettings::fromConfig, (s, ctx) -> new AdamW(s)));
        }
    }

    public record FancySettings(int width) {
        static FancySettings fromConfig(ConfigNode node) {
            return new FancySettings(node.integerAtLeast("width", 1, 1));
        }
    }

    static TaskModel fancy(FancySettings settings) {
        return new TaskModel() {
            @Override
            public Block block() {
                return Linear.builder().setUnits(settings.width()).build();
            }

            @Override
            public Shape[] inputShapes(int batchSize) {
                return new Shape[] {new Shape(batchSize, 2)};
            }

            @Override
            public StepOutput forward(ParameterStore parameters, Batch batch, boolean training) {
                throw new UnsupportedOperationException("not run in this test");
            }
        };
    }

    @Test
    void pluginsOnTheClassPathAreRegistered() {
        Components c = Injectors.create().getInstance(Components.class);
        assertEquals(List.of("AdamW", "LARS", "Lamb", "SGD"), List.copyOf(c.types(Optimizer.KIND).keySet()));
        assertTrue(c.types(LrSchedule.KIND).containsKey("CosineAnnealing"));
        assertTrue(c.kinds().containsAll(List.of(TaskModel.KIND, Dataset.KIND, Hook.KIND)));
    }

    @Test
    void aTestModuleRegistersAComponentUsableFromAConfig() {
        Components c = Injectors.create(new FancyModule()).getInstance(Components.class);
        ConfigNode root = ConfigNode.root(ConfigFactory.parseString("model { type = Fancy, width = 5 }"));
        Spec<TaskModel> spec = c.parseRequired(root, "model", TaskModel.KIND).orElseThrow();
        assertEquals("Fancy", spec.type());
        assertEquals(new FancySettings(5), spec.settings());
        assertInstanceOf(TaskModel.class, spec.create(new BuildContext(null, 0, 1, true)));
    }

    @Test
    void unknownTypeListsKnownNamesAndTheClosest() {
        Components c = Injectors.create().getInstance(Components.class);
        ConfigNode root = ConfigNode.root(ConfigFactory.parseString("optimizer { type = AdamW_, lr = 1 }"));
        assertEquals(Optional.empty(), c.parseRequired(root, "optimizer", Optimizer.KIND));
        var p = root.problems().list().get(0);
        assertEquals("optimizer.type", p.path());
        assertEquals("unknown optimizer \"AdamW_\"; known: [AdamW, LARS, Lamb, SGD]; did you mean \"AdamW\"?", p.message());
    }

    @Test
    void aNameRegisteredTwiceFailsNamingBothBindings() {
        RegistryException e = assertThrows(RegistryException.class, () -> Injectors.create(new DuplicateModule()));
        assertTrue(e.getMessage().contains("\"AdamW\""), e.getMessage());
        assertTrue(e.getMessage().contains("OptimizerRegistrations"), e.getMessage());
        assertTrue(e.getMessage().contains("DuplicateModule"), e.getMessage());
    }

    @Test
    void aConfigCanNameExtraModules() {
        ExperimentLoader.Loaded loaded = new ExperimentLoader(getClass().getClassLoader(), new TestComponents())
                .load(Fixtures.config("with_module.conf"), List.of(), new Properties());
        assertEquals("Fancy", loaded.experiment().model().type());
        Injector injector = loaded.injector();
        assertTrue(injector.getInstance(Components.class).types(TaskModel.KIND).containsKey("Fancy"));
    }

    @Test
    void aModuleThatCannotBeLoadedIsAClearError() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> Injectors.create(getClass().getClassLoader(), List.of("com.example.Missing")));
        assertEquals("modules: class \"com.example.Missing\" is not on the class path", e.getMessage());
        RegistryException notModule = assertThrows(RegistryException.class,
                () -> Injectors.create(getClass().getClassLoader(), List.of("java.lang.String")));
        assertTrue(notModule.getMessage().contains("is not a Guice module"), notModule.getMessage());
    }

    /** A model whose settings hold a nested model, parsed with the registries handed to the reader. */
    public record PairSettings(Spec<TaskModel> inner) {}

    public static final class PairModule extends AbstractModule {
        @Override
        protected void configure() {
            Registrations.of(binder(), TaskModel.KIND).add(ComponentType.of("Pair", "a model holding another",
                    (node, components) -> new PairSettings(components.parseRequired(node, "inner", TaskModel.KIND)
                            .orElse(null)),
                    (s, ctx) -> s.inner().create(ctx)));
        }
    }

    @Test
    void aReaderGivenTheRegistriesParsesNestedComponentsWithTheirPaths() {
        Components c = Injectors.create(new FancyModule(), new PairModule()).getInstance(Components.class);
        ConfigNode root = ConfigNode.root(ConfigFactory.parseString(
                "model { type = Pair, inner { type = Fancy, width = 3 } }"));
        Spec<TaskModel> spec = c.parseRequired(root, "model", TaskModel.KIND).orElseThrow();
        PairSettings s = (PairSettings) spec.settings();
        assertEquals("Fancy", s.inner().type());
        assertEquals("model.inner", s.inner().path());
        assertEquals(new FancySettings(3), s.inner().settings());
        assertInstanceOf(TaskModel.class, spec.create(new BuildContext(null, 0, 1, true)));

        ConfigNode bad = ConfigNode.root(ConfigFactory.parseString("model { type = Pair, inner { type = Fancy, w = 3 } }"));
        c.parseRequired(bad, "model", TaskModel.KIND);
        assertEquals(List.of("model.inner.w"), bad.problems().list().stream().map(p -> p.path()).toList());
    }

    @Test
    void eachInjectorHasItsOwnRegistries() {
        Components with = Injectors.create(new FancyModule()).getInstance(Components.class);
        Components without = Injectors.create().getInstance(Components.class);
        assertTrue(with.types(TaskModel.KIND).containsKey("Fancy"));
        assertFalse(without.types(TaskModel.KIND).containsKey("Fancy"));
    }
}
