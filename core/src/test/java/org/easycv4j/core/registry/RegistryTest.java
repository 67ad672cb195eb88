package org.easycv4j.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.data.Batch;
import org.easycv4j.core.model.StepOutput;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.core.testing.Fixtures;
import org.easycv4j.core.testing.TestComponents;
import org.junit.jupiter.api.Test;

class RegistryTest {

    /** A user's model, registered by a module named in a config's {@code modules}. */
    public static final class FancyModule extends AbstractModule {
        @Override
        protected void configure() {
            Registrations.of(binder(), CoreKinds.MODEL).add("Fancy", FancyFactory.class);
        }
    }

    /** Registers AdamW a second time, which must fail. */
    public static final class DuplicateModule extends AbstractModule {
        @Override
        protected void configure() {
            Registrations.of(binder(), CoreKinds.OPTIMIZER).add("AdamW", FancyOptimizerFactory.class);
        }
    }

    public record FancySettings(int width) {}

    public static final class FancyFactory implements ComponentFactory<FancySettings, TaskModel> {
        @Override
        public String description() {
            return "a user's model";
        }

        @Override
        public FancySettings settings(ConfigNode node) {
            return new FancySettings(node.integerAtLeast("width", 1, 1));
        }

        @Override
        public TaskModel create(FancySettings settings, BuildContext context) {
            return new TaskModel() {
                @Override
                public Block block() {
                    return ai.djl.nn.core.Linear.builder().setUnits(settings.width()).build();
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
    }

    public static final class FancyOptimizerFactory implements ComponentFactory<AdamWSettings, Optimizer> {
        @Override
        public String description() {
            return "clashes with core's AdamW";
        }

        @Override
        public AdamWSettings settings(ConfigNode node) {
            return AdamWSettings.fromConfig(node);
        }

        @Override
        public Optimizer create(AdamWSettings settings, BuildContext context) {
            return new org.easycv4j.core.optim.AdamW(settings);
        }
    }

    @Test
    void pluginsOnTheClassPathAreRegistered() {
        Components c = Injectors.create().getInstance(Components.class);
        assertEquals(List.of("AdamW", "LARS", "SGD"), List.copyOf(c.factories(CoreKinds.OPTIMIZER).keySet()));
        assertTrue(c.factories(CoreKinds.LR_SCHEDULE).containsKey("CosineAnnealing"));
        assertTrue(c.kinds().containsAll(List.of(CoreKinds.MODEL, CoreKinds.DATASET, CoreKinds.HOOK)));
    }

    @Test
    void aTestModuleRegistersAComponentUsableFromAConfig() {
        Components c = Injectors.create(new FancyModule()).getInstance(Components.class);
        ConfigNode root = ConfigNode.root(ConfigFactory.parseString("model { type = Fancy, width = 5 }"));
        Spec<TaskModel> spec = c.parseRequired(root, "model", CoreKinds.MODEL).orElseThrow();
        assertEquals("Fancy", spec.type());
        assertEquals(new FancySettings(5), spec.settings());
        assertInstanceOf(TaskModel.class, spec.create(new BuildContext(null, 0, 1, true)));
    }

    @Test
    void unknownTypeListsKnownNamesAndTheClosest() {
        Components c = Injectors.create().getInstance(Components.class);
        ConfigNode root = ConfigNode.root(ConfigFactory.parseString("optimizer { type = AdamW_, lr = 1 }"));
        assertEquals(Optional.empty(), c.parseRequired(root, "optimizer", CoreKinds.OPTIMIZER));
        var p = root.problems().list().get(0);
        assertEquals("optimizer.type", p.path());
        assertEquals("unknown optimizer \"AdamW_\"; known: [AdamW, LARS, SGD]; did you mean \"AdamW\"?", p.message());
    }

    @Test
    void aNameRegisteredTwiceFailsNamingBothBindings() {
        RegistryException e = assertThrows(RegistryException.class, () -> Injectors.create(new DuplicateModule()));
        assertTrue(e.getMessage().contains("\"AdamW\""), e.getMessage());
        assertTrue(e.getMessage().contains("CoreModule"), e.getMessage());
        assertTrue(e.getMessage().contains("DuplicateModule"), e.getMessage());
    }

    @Test
    void aConfigCanNameExtraModules() {
        ExperimentLoader.Loaded loaded = new ExperimentLoader(getClass().getClassLoader(), new TestComponents())
                .load(Fixtures.config("with_module.conf"), List.of(), new Properties());
        assertEquals("Fancy", loaded.experiment().model().type());
        Injector injector = loaded.injector();
        assertTrue(injector.getInstance(Components.class).factories(CoreKinds.MODEL).containsKey("Fancy"));
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

    @Test
    void eachInjectorHasItsOwnRegistries() {
        Components with = Injectors.create(new FancyModule()).getInstance(Components.class);
        Components without = Injectors.create().getInstance(Components.class);
        assertTrue(with.factories(CoreKinds.MODEL).containsKey("Fancy"));
        assertFalse(without.factories(CoreKinds.MODEL).containsKey("Fancy"));
    }
}
