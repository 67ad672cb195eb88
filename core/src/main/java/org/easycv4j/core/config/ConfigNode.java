package org.easycv4j.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.easycv4j.core.util.DidYouMean;

/**
 * A strict, typed view of one object in a configuration, used to build settings records.
 *
 * <p>Every getter remembers the key it read. Problems (missing key, wrong type, value out of range)
 * are recorded in the shared {@link Problems} instead of being thrown, and a harmless fallback is
 * returned, so one pass over a whole configuration reports every mistake. {@link #finish()} reports the
 * keys that were written but never read, with the closest known key.
 */
public final class ConfigNode {
    private final Config config;
    private final String path;
    private final ConfigOrigin origin;
    private final Problems problems;
    private final Set<String> read = new LinkedHashSet<>();
    /** Keys already reported, so that a check on a fallback value does not add a second, misleading problem. */
    private final Set<String> failed = new HashSet<>();
    private boolean finished;
    /** Set on a node made by {@link #describing}: every key a settings parser asks for, in order. */
    private KeyCatalog catalog;

    /**
     * A key that a component's settings read: what it expects and its default ({@code null} when the key is
     * required, the empty string when it has none).
     */
    public record KeyInfo(String key, String expected, String fallback) {
        public boolean required() {
            return fallback == null;
        }
    }

    public ConfigNode(Config config, String path, Problems problems) {
        this(config, path, config.origin(), problems);
    }

    private ConfigNode(Config config, String path, ConfigOrigin origin, Problems problems) {
        this.config = config;
        this.path = path;
        this.origin = origin;
        this.problems = problems;
    }

    /** A node over a whole (resolved) configuration, with its own problem list. */
    public static ConfigNode root(Config config) {
        return new ConfigNode(config, "", new Problems());
    }

    /**
     * A node over {@code type = TYPE} alone that records every key the component's settings parser reads, with
     * its expected value and default ({@link #describedKeys()}): the reference of a component's keys is
     * generated from the parser, so it cannot drift from it. Problems (the missing required keys) go to a
     * private list.
     */
    public static ConfigNode describing(String typeKey, String type) {
        ConfigNode node = new ConfigNode(com.typesafe.config.ConfigFactory.parseMap(Map.of(typeKey, type)), "",
                new Problems());
        node.catalog = new KeyCatalog();
        return node;
    }

    /** The keys read so far, in the order of first reading, when this node was made by {@link #describing}. */
    public List<KeyInfo> describedKeys() {
        return catalog == null ? List.of() : catalog.keys();
    }

    private void describe(String key, String expected, Object fallback, boolean required) {
        if (catalog != null) {
            catalog.describe(key, expected, fallback, required);
        }
    }

    /** The full key path of this object ("" for the root). */
    public String path() {
        return path;
    }

    /** The full key path of one of this object's keys. */
    public String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public ConfigOrigin origin() {
        return origin;
    }

    /** Where problems are collected. */
    public Problems problems() {
        return problems;
    }

    /** The underlying configuration of this object. */
    public Config config() {
        return config;
    }

    public boolean has(String key) {
        if (catalog != null) {
            // keys read only when present are still keys of the component
            catalog.optional(key);
        }
        return config.hasPath(ConfigValues.quote(key));
    }

    /** Records a problem with one of this object's keys (at the value's file:line when it exists). */
    public void problem(String key, String message) {
        failed.add(key);
        ConfigOrigin o = has(key) ? config.getValue(ConfigValues.quote(key)).origin() : origin;
        problems.add(pathOf(key), o, message);
    }

    /** Records a problem with {@code key} when {@code ok} is false. */
    public void check(boolean ok, String key, String message) {
        if (!ok && !failed.contains(key)) {
            problem(key, message);
        }
    }

    // ---------------------------------------------------------------- scalars

    public String string(String key) {
        return required(key, "a string", (c, k) -> c.getString(k), "");
    }

    public String string(String key, String fallback) {
        return optional(key, "a string", (c, k) -> c.getString(k), fallback);
    }

    public int integer(String key) {
        return required(key, "an integer", (c, k) -> c.getInt(ConfigValues.whole(c, k)), 0);
    }

    public int integer(String key, int fallback) {
        return optional(key, "an integer", (c, k) -> c.getInt(ConfigValues.whole(c, k)), fallback);
    }

    public long longValue(String key) {
        return required(key, "an integer", (c, k) -> c.getLong(ConfigValues.whole(c, k)), 0L);
    }

    public long longValue(String key, long fallback) {
        return optional(key, "an integer", (c, k) -> c.getLong(ConfigValues.whole(c, k)), fallback);
    }

    public double number(String key) {
        return required(key, "a number", (c, k) -> c.getDouble(k), 0.0);
    }

    public double number(String key, double fallback) {
        return optional(key, "a number", (c, k) -> c.getDouble(k), fallback);
    }

    public boolean bool(String key, boolean fallback) {
        return optional(key, "true or false", (c, k) -> c.getBoolean(k), fallback);
    }

    public boolean bool(String key) {
        return required(key, "true or false", (c, k) -> c.getBoolean(k), false);
    }

    /** A required integer that must be at least {@code min}. */
    public int integerAtLeast(String key, int min) {
        int v = integer(key);
        check(!has(key) || v >= min, key, "expected an integer >= " + min + ", got " + v);
        return v;
    }

    /** An integer that must be at least {@code min}. */
    public int integerAtLeast(String key, int fallback, int min) {
        int v = integer(key, fallback);
        check(v >= min, key, "expected an integer >= " + min + ", got " + v);
        describe(key, "an integer >= " + min, fallback, false);
        return v;
    }

    /** A number in the closed range [min, max]. */
    public double numberIn(String key, double fallback, double min, double max) {
        double v = number(key, fallback);
        check(v >= min && v <= max, key, "expected a number in [" + min + ", " + max + "], got " + v);
        describe(key, "a number in [" + min + ", " + max + "]", fallback, false);
        return v;
    }

    /** True when {@code key} is set to a string (for keys that take a word or a number). */
    public boolean isString(String key) {
        return has(key) && config.getValue(ConfigValues.quote(key)).valueType() == ConfigValueType.STRING;
    }

    /** True when {@code key} is set to a list (for keys that take a path or a list, as EasyCV's class_list). */
    public boolean isList(String key) {
        return has(key) && config.getValue(ConfigValues.quote(key)).valueType() == ConfigValueType.LIST;
    }

    /** One of a fixed set of strings (compared case-sensitively, as EasyCV does). */
    public String choice(String key, String fallback, Collection<String> allowed) {
        String v = string(key, fallback);
        describe(key, "one of " + String.join(", ", allowed), fallback, false);
        if (!allowed.contains(v)) {
            problem(key, "expected one of " + allowed + ", got \"" + v + "\"" + DidYouMean.suffix(v, allowed));
            return fallback;
        }
        return v;
    }

    /**
     * One of an enum's constants, written in the config as the constant's name in lower case
     * ({@code LINEAR} is {@code "linear"}).
     */
    public <E extends Enum<E>> E choice(String key, E fallback) {
        Class<E> type = fallback.getDeclaringClass();
        List<String> names = configNames(type);
        return type.getEnumConstants()[names.indexOf(choice(key, configName(fallback), names))];
    }

    /** As {@link #choice(String, Enum)} for a required key (a missing key is a problem, reported with the others). */
    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        List<String> names = configNames(type);
        String v = string(key);
        if (has(key) && !names.contains(v)) {
            problem(key, "expected one of " + names + ", got \"" + v + "\"" + DidYouMean.suffix(v, names));
        }
        return type.getEnumConstants()[Math.max(0, names.indexOf(v))];
    }

    /** How a config writes an enum constant: its name in lower case. */
    public static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static List<String> configNames(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigNode::configName).toList();
    }

    /** A file-system path; relative paths are taken from the working directory, as EasyCV does. */
    public Optional<Path> path(String key) {
        String s = optional(key, "a path", (c, k) -> c.getString(k), null);
        return s == null ? Optional.empty() : Optional.of(Paths.get(s));
    }

    // ---------------------------------------------------------------- lists

    public List<Double> numbers(String key, List<Double> fallback) {
        return optional(key, "a list of numbers", (c, k) -> c.getDoubleList(k), fallback);
    }

    public List<Integer> integers(String key, List<Integer> fallback) {
        return optional(key, "a list of integers", (c, k) -> c.getIntList(ConfigValues.wholeItems(c, k)), fallback);
    }

    public List<String> strings(String key) {
        return required(key, "a list of strings", (c, k) -> c.getStringList(k), List.of());
    }

    public List<String> strings(String key, List<String> fallback) {
        return optional(key, "a list of strings", (c, k) -> c.getStringList(k), fallback);
    }

    /** A list of strings where a single string is accepted as a one-element list (EasyCV's str-or-list). */
    public List<String> stringOrList(String key, List<String> fallback) {
        if (has(key) && config.getValue(ConfigValues.quote(key)).valueType() == ConfigValueType.STRING) {
            return List.of(string(key));
        }
        return strings(key, fallback);
    }

    // ---------------------------------------------------------------- objects

    /** A required nested object. A missing or mistyped one is recorded and an empty node returned. */
    public ConfigNode object(String key) {
        describe(key, "an object", null, true);
        return optObject(key).orElseGet(() -> {
            problem(key, "missing required object");
            return emptyChild(key);
        });
    }

    /** An optional nested object. */
    public Optional<ConfigNode> optObject(String key) {
        read.add(key);
        describe(key, "an object", null, false);
        if (!has(key)) {
            // described: an absent object's own keys are listed too, as key.subkey
            return catalog == null ? Optional.empty() : Optional.of(emptyChild(key));
        }
        ConfigValue v = config.getValue(ConfigValues.quote(key));
        if (v.valueType() != ConfigValueType.OBJECT) {
            problem(key, "expected an object, got " + ConfigValues.describe(v));
            return Optional.empty();
        }
        ConfigObject o = (ConfigObject) v;
        return Optional.of(new ConfigNode(o.toConfig(), pathOf(key), o.origin(), problems));
    }

    /** A list of objects (e.g. a pipeline); an absent key yields an empty list. */
    public List<ConfigNode> objects(String key) {
        read.add(key);
        describe(key, "a list of objects", List.of(), false);
        List<ConfigNode> out = new ArrayList<>();
        if (!has(key)) {
            return out;
        }
        ConfigValue v = config.getValue(ConfigValues.quote(key));
        if (v.valueType() != ConfigValueType.LIST) {
            problem(key, "expected a list of objects, got " + ConfigValues.describe(v));
            return out;
        }
        ConfigList list = (ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue e = list.get(i);
            String p = pathOf(key) + "[" + i + "]";
            if (e.valueType() != ConfigValueType.OBJECT) {
                problems.add(p, e.origin(), "expected an object, got " + ConfigValues.describe(e));
                continue;
            }
            ConfigObject o = (ConfigObject) e;
            out.add(new ConfigNode(o.toConfig(), p, o.origin(), problems));
        }
        return out;
    }

    /**
     * A list of lists of objects (EasyCV's {@code MMAutoAugment.policies}); each object's path is
     * {@code key[i][j]}. A value of another shape is a problem naming the element.
     */
    public List<List<ConfigNode>> objectLists(String key) {
        read.add(key);
        describe(key, "a list of lists of objects", null, false);
        List<List<ConfigNode>> out = new ArrayList<>();
        if (!has(key)) {
            return out;
        }
        ConfigValue v = config.getValue(ConfigValues.quote(key));
        if (v.valueType() != ConfigValueType.LIST) {
            problem(key, "expected a list of lists of objects, got " + ConfigValues.describe(v));
            return out;
        }
        ConfigList outer = (ConfigList) v;
        for (int i = 0; i < outer.size(); i++) {
            ConfigValue e = outer.get(i);
            String p = pathOf(key) + "[" + i + "]";
            if (e.valueType() != ConfigValueType.LIST) {
                problems.add(p, e.origin(), "expected a list of objects, got " + ConfigValues.describe(e));
                continue;
            }
            ConfigList inner = (ConfigList) e;
            List<ConfigNode> row = new ArrayList<>();
            for (int j = 0; j < inner.size(); j++) {
                ConfigValue o = inner.get(j);
                String q = p + "[" + j + "]";
                if (o.valueType() != ConfigValueType.OBJECT) {
                    problems.add(q, o.origin(), "expected an object, got " + ConfigValues.describe(o));
                    continue;
                }
                row.add(new ConfigNode(((ConfigObject) o).toConfig(), q, o.origin(), problems));
            }
            out.add(row);
        }
        return out;
    }

    private ConfigNode emptyChild(String key) {
        ConfigNode child = new ConfigNode(ConfigFactory.empty(), pathOf(key), origin, problems);
        if (catalog != null) {
            child.catalog = catalog.child(key);
        }
        return child;
    }

    /** Marks keys as known without reading them (e.g. keys owned by another component). */
    public void accept(String... keys) {
        read.addAll(List.of(keys));
        if (catalog != null) {
            for (String key : keys) {
                catalog.accept(key);
            }
        }
    }

    /**
     * Reports every key that was written but never read, with the closest known key. Call once the
     * settings record has been built.
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        UnknownKeys.report(config.root(), read, this::pathOf, problems);
    }

    // ---------------------------------------------------------------- internals

    @FunctionalInterface
    private interface Getter<T> {
        T get(Config c, String key);
    }

    private <T> T required(String key, String expected, Getter<T> getter, T fallback) {
        read.add(key);
        describe(key, expected, null, true);
        if (!has(key)) {
            failed.add(key);
            problems.add(pathOf(key), origin, "missing required key, expected " + expected);
            return fallback;
        }
        return get(key, expected, getter, fallback);
    }

    private <T> T optional(String key, String expected, Getter<T> getter, T fallback) {
        read.add(key);
        describe(key, expected, fallback, false);
        if (!has(key)) {
            return fallback;
        }
        return get(key, expected, getter, fallback);
    }

    private <T> T get(String key, String expected, Getter<T> getter, T fallback) {
        try {
            return getter.get(config, ConfigValues.quote(key));
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            ConfigValue v = config.getValue(ConfigValues.quote(key));
            failed.add(key);
            problems.add(pathOf(key), v.origin(), "expected " + expected + ", got " + ConfigValues.describe(v));
            return fallback;
        }
    }

    /** Applies {@code f} to this node and then {@link #finish()}es it: the usual way to parse settings. */
    public <T> T parse(Function<ConfigNode, T> f) {
        T t = f.apply(this);
        finish();
        return t;
    }
}
