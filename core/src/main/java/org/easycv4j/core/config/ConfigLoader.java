package org.easycv4j.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Loads an experiment configuration the way every launcher does.
 *
 * <p>Layers, highest first: {@code --set key=value} overrides (values parsed as HOCON, later ones win),
 * {@code -Dkey=value} system properties whose first path element is a top-level key of the experiment or of
 * the defaults, the experiment file (which pulls its bases in with {@code include required("...")}), and
 * every module's {@code reference.conf}. Substitutions ({@code ${...}}) are resolved last, so a value derived
 * from an overridden one follows the override.
 */
public final class ConfigLoader {
    private final ClassLoader classLoader;

    public ConfigLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    public ConfigLoader() {
        this(ConfigLoader.class.getClassLoader());
    }

    /**
     * Loads, layers and resolves. Syntax errors, a missing file or include, and unresolvable substitutions
     * are reported as a {@link ConfigValidationException} with file:line.
     */
    public Config load(Path file, List<String> overrides, Properties systemProperties) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigValidationException(List.of(new ConfigProblem("", file.toString(),
                    "config file not found (expected a .conf HOCON file)")));
        }
        Problems problems = new Problems();
        Config experiment;
        try {
            experiment = ConfigFactory.parseFile(file.toFile(),
                    ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw new ConfigValidationException(List.of(fromException(e, file.toString())));
        }
        Config defaults = ConfigFactory.parseResources(classLoader, "reference.conf");
        Config sets = parseOverrides(overrides, problems);
        problems.throwIfAny();
        Config props = systemOverrides(systemProperties, experiment, defaults);
        // "--set key=null" removes the key below the overrides too, so that a following "--set key={...}"
        // replaces a whole object instead of merging into the file's (HOCON's null-then-redefine).
        for (String path : nulledPaths(overrides)) {
            experiment = experiment.withoutPath(path);
            props = props.withoutPath(path);
            defaults = defaults.withoutPath(path);
        }
        Config merged = sets.withFallback(props).withFallback(experiment).withFallback(defaults);
        try {
            return merged.resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new ConfigValidationException(List.of(fromException(e, file.toString())));
        }
    }

    /** {@code key=value} pairs, each parsed as HOCON so that numbers, lists and objects keep their type. */
    static Config parseOverrides(List<String> overrides, Problems problems) {
        Config out = ConfigFactory.empty();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                problems.add(new ConfigProblem(o, "--set " + o, "expected key=value"));
                continue;
            }
            try {
                Config one = ConfigFactory.parseString(o, ConfigParseOptions.defaults()
                        .setOriginDescription("--set " + o).setSyntax(ConfigSyntax.CONF));
                out = one.withFallback(out);
            } catch (ConfigException e) {
                problems.add(new ConfigProblem(o.substring(0, eq), "--set " + o,
                        "cannot parse the value as HOCON: " + e.getMessage()));
            }
        }
        return out;
    }

    /** Paths that an override sets to null. */
    static List<String> nulledPaths(List<String> overrides) {
        List<String> out = new ArrayList<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq > 0 && o.substring(eq + 1).trim().equals("null")) {
                out.add(o.substring(0, eq).trim());
            }
        }
        return out;
    }

    /**
     * Only system properties that address a top-level key the configuration knows are taken, so the JVM's
     * own properties (java.*, user.*, ai.djl.*) do not become unknown-key errors.
     */
    static Config systemOverrides(Properties props, Config experiment, Config defaults) {
        Set<String> tops = new HashSet<>(experiment.root().keySet());
        tops.addAll(defaults.root().keySet());
        Properties selected = new Properties();
        for (Map.Entry<Object, Object> e : props.entrySet()) {
            String key = String.valueOf(e.getKey());
            int dot = key.indexOf('.');
            String top = dot < 0 ? key : key.substring(0, dot);
            if (tops.contains(top)) {
                selected.put(key, e.getValue());
            }
        }
        if (selected.isEmpty()) {
            return ConfigFactory.empty();
        }
        // Parse each value as HOCON, as --set does, so -Dtotal_epochs=3 is a number.
        List<String> pairs = new ArrayList<>();
        selected.forEach((k, v) -> pairs.add(k + "=" + v));
        Problems problems = new Problems();
        Config parsed = parseOverrides(pairs, problems);
        problems.throwIfAny();
        return parsed;
    }

    /** Renders a resolved config as HOCON, keeping comments that say where each value came from. */
    public static String render(Config config) {
        return config.root().render(ConfigRenderOptions.defaults().setOriginComments(true).setComments(true)
                .setJson(false).setFormatted(true));
    }

    static ConfigProblem fromException(ConfigException e, String fallbackLocation) {
        String location = e.origin() != null ? Origins.describe(e.origin()) : fallbackLocation;
        String message = e.getMessage();
        // Typesafe prefixes messages with the origin description; keep only what follows it.
        if (e.origin() != null && message.startsWith(e.origin().description())) {
            message = message.substring(e.origin().description().length()).replaceFirst("^:\\s*", "");
        }
        return new ConfigProblem("", location, message);
    }
}
