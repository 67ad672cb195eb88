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
import org.easycv4j.core.registry.Kind;
import org.easycv4j.core.registry.Spec;

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
        return parse(config, injector(config));
    }

    /**
     * Loads {@code file} as {@link #load} does (includes, reference.conf, {@code --set}, the config's
     * {@code modules}) for a tool that uses a part of it: a data-only config, a model, one data source.
     */
    public Part loadPart(Path file, List<String> overrides, Properties systemProperties) {
        return part(new ConfigLoader(classLoader).load(file, overrides, systemProperties));
    }

    /** {@code config} (built by a tool, e.g. a preset) with the components it may name (its {@code modules} too). */
    public Part part(Config config) {
        return new Part(config, injector(config).getInstance(Components.class));
    }

    /**
     * A configuration a run stored (a checkpoint's, an export's {@code config.conf}), parsed as data
     * ({@link ConfigLoader#parseStored}). Its components come from the class path's plugins only: a stored file
     * names no modules to load.
     */
    public Part storedPart(String text, String origin) {
        return new Part(ConfigLoader.parseStored(text, origin),
                Injectors.create(classLoader, List.of(), extraModules.toArray(Module[]::new))
                        .getInstance(Components.class));
    }

    /**
     * A loaded configuration and the components it may name. Each accessor parses one part with the registry and
     * throws every problem of that part together, naming the keys.
     */
    public record Part(Config config, Components components) {
        /** The same configuration with {@code key} set to {@code value} (a tool's option over the file's value). */
        public Part with(String key, Object value) {
            return new Part(config.withValue(key, com.typesafe.config.ConfigValueFactory.fromAnyRef(value)),
                    components);
        }

        /** The required component object at the dotted {@code key}. */
        public <T> Spec<T> component(String key, Kind<T> kind) {
            ConfigNode root = ConfigNode.root(config);
            Spec<T> spec = components.parse(at(root, key), kind).orElse(null);
            root.problems().throwIfAny();
            return spec;
        }

        /** The list of components at the dotted {@code key} (a pipeline); absent: empty. */
        public <T> List<Spec<T>> components(String key, Kind<T> kind) {
            ConfigNode root = ConfigNode.root(config);
            int dot = key.lastIndexOf('.');
            ConfigNode parent = dot < 0 ? root : at(root, key.substring(0, dot));
            List<Spec<T>> specs = components.parseList(parent, key.substring(dot + 1), kind);
            root.problems().throwIfAny();
            return specs;
        }

        /** {@code data}: batch size, workers and datasets, with the experiment's defaults. */
        public Experiment.DataSettings data() {
            ConfigNode root = ConfigNode.root(config);
            Experiment.DataSettings data = Experiment.DataSettings.parse(root.object("data"), components);
            root.problems().throwIfAny();
            return data;
        }

        private static ConfigNode at(ConfigNode root, String key) {
            ConfigNode node = root;
            for (String part : key.split("\\.")) {
                node = node.object(part);
            }
            return node;
        }
    }

    private Injector injector(Config config) {
        List<String> modules = new ArrayList<>();
        try {
            modules.addAll(config.getStringList("modules"));
        } catch (ConfigException e) {
            // Reported with file:line by Experiment.parse.
        }
        return Injectors.create(classLoader, modules, extraModules.toArray(Module[]::new));
    }

    private static Loaded parse(Config config, Injector injector) {
        ConfigNode root = ConfigNode.root(config);
        RuntimeSettings runtime = RuntimeSettings.parse(root);
        Experiment experiment = Experiment.parse(root, injector.getInstance(Components.class));
        root.problems().throwIfAny();
        return new Loaded(config, injector, experiment, runtime);
    }
}
