package org.easycv4j.core.runner;

import com.google.inject.Injector;
import com.google.inject.Module;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.easycv4j.core.config.ConfigLoader;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;

/**
 * From an experiment file to a checked {@link Experiment}: load and layer the configuration, build the one
 * injector (class-path plugins plus the config's {@code modules}), parse every component and throw all
 * problems together.
 */
public final class ExperimentLoader {
    private final ClassLoader classLoader;
    private final List<Module> extraModules;

    public ExperimentLoader(ClassLoader classLoader, Module... extraModules) {
        this.classLoader = classLoader;
        this.extraModules = List.of(extraModules);
    }

    public ExperimentLoader() {
        this(ExperimentLoader.class.getClassLoader());
    }

    /**
     * A loaded experiment with the resolved configuration, the injector that built it and EasyCV's runtime keys
     * (for the launcher to apply).
     */
    public record Loaded(Config config, Injector injector, Experiment experiment, RuntimeSettings runtime) {}

    /**
     * Loads {@code file} with {@code --set} overrides and the given system properties.
     *
     * @throws org.easycv4j.core.config.ConfigValidationException listing every problem found
     */
    public Loaded load(Path file, List<String> overrides, Properties systemProperties) {
        Config config = new ConfigLoader(classLoader).load(file, overrides, systemProperties);
        List<String> modules = new ArrayList<>();
        try {
            modules.addAll(config.getStringList("modules"));
        } catch (ConfigException e) {
            // Reported with file:line by Experiment.parse.
        }
        Injector injector = Injectors.create(classLoader, modules, extraModules.toArray(Module[]::new));
        ConfigNode root = ConfigNode.root(config);
        RuntimeSettings runtime = RuntimeSettings.parse(root);
        Experiment experiment = Experiment.parse(root, injector.getInstance(Components.class));
        root.problems().throwIfAny();
        return new Loaded(config, injector, experiment, runtime);
    }
}
