package org.easycv4j.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values taken from environment variables: looked up with an origin that names the variable, and written into
 * run outputs by that name instead of in clear.
 */
final class EnvironmentValues {
    /** How a value taken from an environment variable is told apart (its origin's description). */
    private static final String FROM_ENVIRONMENT = "environment variable ";
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile(FROM_ENVIRONMENT + "([^,\\s]+)");

    private EnvironmentValues() {}

    /**
     * The config with every value that came from an environment variable (a token in {@code ${?TOKEN}}, or a
     * string built with one) replaced by the string {@code "<environment variable NAME>"}: what run outputs
     * (resolved configs, checkpoints, exports) record instead of the value, which may be a secret.
     */
    static Config redact(Config config) {
        ConfigValue r = redact(config.root());
        return r == config.root() ? config : ((ConfigObject) r).toConfig();
    }

    private static ConfigValue redact(ConfigValue v) {
        switch (v.valueType()) {
            case OBJECT -> {
                ConfigObject o = (ConfigObject) v;
                ConfigObject out = o;
                for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                    ConfigValue r = redact(e.getValue());
                    if (r != e.getValue()) {
                        out = out.withValue(e.getKey(), r);
                    }
                }
                return out;
            }
            case LIST -> {
                ConfigList l = (ConfigList) v;
                List<ConfigValue> items = new ArrayList<>(l.size());
                boolean changed = false;
                for (ConfigValue item : l) {
                    ConfigValue r = redact(item);
                    changed |= r != item;
                    items.add(r);
                }
                return changed ? ConfigValueFactory.fromIterable(items, l.origin().description()) : l;
            }
            default -> {
                Set<String> names = environmentNames(v.origin());
                if (names.isEmpty()) {
                    return v;
                }
                return ConfigValueFactory.fromAnyRef("<" + FROM_ENVIRONMENT + String.join(", ", names) + ">",
                        FROM_ENVIRONMENT + String.join(", ", names) + " (value not recorded)");
            }
        }
    }

    private static Set<String> environmentNames(ConfigOrigin origin) {
        Set<String> names = new TreeSet<>();
        if (origin != null && origin.description() != null) {
            Matcher m = ENVIRONMENT_NAME.matcher(origin.description());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Substitutions the configuration does not define, looked up among {@code variables}. */
    static ConfigResolver resolver(Map<String, String> variables) {
        return new Environment(variables);
    }

    private record Environment(Map<String, String> variables) implements ConfigResolver {
        @Override
        public ConfigValue lookup(String path) {
            String value = variables.get(path);
            return value == null ? null : ConfigValueFactory.fromAnyRef(value, FROM_ENVIRONMENT + path);
        }

        @Override
        public ConfigResolver withFallback(ConfigResolver fallback) {
            // the environment is the last word: nothing to fall back to
            return this;
        }
    }
}
