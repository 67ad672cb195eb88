package org.easycv4j.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import java.net.URL;
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
 * from an overridden one follows the override; one the configuration does not define is looked up among the
 * environment variables (HOCON's rule), and the value remembers which variable it came from, so that
 * {@link #render} writes the variable's name instead of its value into run outputs.
 *
 * <p>Includes of files and class-path resources are followed; {@code include url(...)} (and an unqualified
 * include of an http(s) URL) is refused: a configuration never makes a training run fetch from the network.
 * Configurations that come out of run outputs (a checkpoint's {@code state.json}, an export's
 * {@code config.conf}) are data, not programs: {@link #parseStored} follows no include and reads no environment
 * variable or system property.
 */
public final class ConfigLoader {

    private final ClassLoader classLoader;
    private final Map<String, String> environment;

    /**
     * @param environment the variables a {@code ${?NAME}} may read: the launcher passes {@code System.getenv()};
     *     this is the only place configuration reads the environment
     */
    public ConfigLoader(ClassLoader classLoader, Map<String, String> environment) {
        this.classLoader = classLoader;
        this.environment = Map.copyOf(environment);
    }

    public ConfigLoader(ClassLoader classLoader) {
        this(classLoader, System.getenv());
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
            experiment = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)
                    .setSyntax(ConfigSyntax.CONF).appendIncluder(Includers.localOnly()));
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
            return merged.resolve(ConfigResolveOptions.noSystem().appendResolver(EnvironmentValues.resolver(environment)));
        } catch (ConfigException e) {
            throw new ConfigValidationException(List.of(fromException(e, file.toString())));
        }
    }

    /**
     * A configuration stored by a run (a checkpoint's, an export's), parsed as data: an {@code include} of any
     * kind is an error, and a substitution is resolved only against the text itself, never against environment
     * variables or system properties ({@code ${?NAME}} of a name the text lacks is simply absent).
     *
     * @param origin what the text is, for error messages (e.g. the file it was read from)
     */
    public static Config parseStored(String text, String origin) {
        try {
            return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(origin)
                    .setSyntax(ConfigSyntax.CONF).setIncluder(Includers.none(origin)))
                    .resolve(ConfigResolveOptions.noSystem());
        } catch (ConfigException e) {
            throw new ConfigValidationException(List.of(fromException(e, origin)));
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

    /**
     * Renders a resolved config as HOCON, keeping comments that say where each value came from; a value taken
     * from an environment variable is written as {@code "<environment variable NAME>"} (see {@link #redact}).
     */
    public static String render(Config config) {
        return redact(config).root().render(ConfigRenderOptions.defaults().setOriginComments(true)
                .setComments(true).setJson(false).setFormatted(true));
    }

    /**
     * The config with every value that came from an environment variable (a token in {@code ${?TOKEN}}, or a
     * string built with one) replaced by the string {@code "<environment variable NAME>"}: what run outputs
     * (resolved configs, checkpoints, exports) record instead of the value, which may be a secret.
     */
    public static Config redact(Config config) {
        return EnvironmentValues.redact(config);
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
