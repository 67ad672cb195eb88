package org.easycv4j.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
        return config.hasPath(quote(key));
    }

    /** Records a problem with one of this object's keys (at the value's file:line when it exists). */
    public void problem(String key, String message) {
        failed.add(key);
        ConfigOrigin o = has(key) ? config.getValue(quote(key)).origin() : origin;
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
        return required(key, "an integer", (c, k) -> c.getInt(k), 0);
    }

    public int integer(String key, int fallback) {
        return optional(key, "an integer", (c, k) -> c.getInt(k), fallback);
    }

    public long longValue(String key) {
        return required(key, "an integer", (c, k) -> c.getLong(k), 0L);
    }

    public long longValue(String key, long fallback) {
        return optional(key, "an integer", (c, k) -> c.getLong(k), fallback);
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
        return v;
    }

    /** A number in the closed range [min, max]. */
    public double numberIn(String key, double fallback, double min, double max) {
        double v = number(key, fallback);
        check(v >= min && v <= max, key, "expected a number in [" + min + ", " + max + "], got " + v);
        return v;
    }

    /** True when {@code key} is set to a string (for keys that take a word or a number). */
    public boolean isString(String key) {
        return has(key) && config.getValue(quote(key)).valueType() == ConfigValueType.STRING;
    }

    /** One of a fixed set of strings (compared case-sensitively, as EasyCV does). */
    public String choice(String key, String fallback, Collection<String> allowed) {
        String v = string(key, fallback);
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
        return optional(key, "a list of integers", (c, k) -> c.getIntList(k), fallback);
    }

    public List<String> strings(String key) {
        return required(key, "a list of strings", (c, k) -> c.getStringList(k), List.of());
    }

    public List<String> strings(String key, List<String> fallback) {
        return optional(key, "a list of strings", (c, k) -> c.getStringList(k), fallback);
    }

    /** A list of strings where a single string is accepted as a one-element list (EasyCV's str-or-list). */
    public List<String> stringOrList(String key, List<String> fallback) {
        if (has(key) && config.getValue(quote(key)).valueType() == ConfigValueType.STRING) {
            return List.of(string(key));
        }
        return strings(key, fallback);
    }

    // ---------------------------------------------------------------- objects

    /** A required nested object. A missing or mistyped one is recorded and an empty node returned. */
    public ConfigNode object(String key) {
        return optObject(key).orElseGet(() -> {
            problem(key, "missing required object");
            return emptyChild(key);
        });
    }

    /** An optional nested object. */
    public Optional<ConfigNode> optObject(String key) {
        read.add(key);
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = config.getValue(quote(key));
        if (v.valueType() != ConfigValueType.OBJECT) {
            problem(key, "expected an object, got " + describe(v));
            return Optional.empty();
        }
        ConfigObject o = (ConfigObject) v;
        return Optional.of(new ConfigNode(o.toConfig(), pathOf(key), o.origin(), problems));
    }

    /** A list of objects (e.g. a pipeline); an absent key yields an empty list. */
    public List<ConfigNode> objects(String key) {
        read.add(key);
        List<ConfigNode> out = new ArrayList<>();
        if (!has(key)) {
            return out;
        }
        ConfigValue v = config.getValue(quote(key));
        if (v.valueType() != ConfigValueType.LIST) {
            problem(key, "expected a list of objects, got " + describe(v));
            return out;
        }
        ConfigList list = (ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue e = list.get(i);
            String p = pathOf(key) + "[" + i + "]";
            if (e.valueType() != ConfigValueType.OBJECT) {
                problems.add(p, e.origin(), "expected an object, got " + describe(e));
                continue;
            }
            ConfigObject o = (ConfigObject) e;
            out.add(new ConfigNode(o.toConfig(), p, o.origin(), problems));
        }
        return out;
    }

    private ConfigNode emptyChild(String key) {
        return new ConfigNode(ConfigFactory.empty(), pathOf(key), origin, problems);
    }

    /** Marks keys as known without reading them (e.g. keys owned by another component). */
    public void accept(String... keys) {
        read.addAll(List.of(keys));
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
        Set<String> known = new TreeSet<>(read);
        for (String key : new TreeSet<>(config.root().keySet())) {
            if (!read.contains(key)) {
                ConfigValue v = config.root().get(key);
                problems.add(pathOf(key), v.origin(), "unknown key" + DidYouMean.suffix(key, known)
                        + (known.isEmpty() ? "" : " (known keys: " + String.join(", ", known) + ")"));
            }
        }
    }

    // ---------------------------------------------------------------- internals

    @FunctionalInterface
    private interface Getter<T> {
        T get(Config c, String key);
    }

    private <T> T required(String key, String expected, Getter<T> getter, T fallback) {
        read.add(key);
        if (!has(key)) {
            failed.add(key);
            problems.add(pathOf(key), origin, "missing required key, expected " + expected);
            return fallback;
        }
        return get(key, expected, getter, fallback);
    }

    private <T> T optional(String key, String expected, Getter<T> getter, T fallback) {
        read.add(key);
        if (!has(key)) {
            return fallback;
        }
        return get(key, expected, getter, fallback);
    }

    private <T> T get(String key, String expected, Getter<T> getter, T fallback) {
        try {
            return getter.get(config, quote(key));
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            ConfigValue v = config.getValue(quote(key));
            failed.add(key);
            problems.add(pathOf(key), v.origin(), "expected " + expected + ", got " + describe(v));
            return fallback;
        }
    }

    static String describe(ConfigValue v) {
        String type = v.valueType().name().toLowerCase(Locale.ROOT);
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            default -> type + " " + v.render();
        };
    }

    /** Quotes a single key so that dots or special characters in it are not taken as a path. */
    private static String quote(String key) {
        return ConfigUtil.quoteString(key);
    }

    /** Applies {@code f} to this node and then {@link #finish()}es it: the usual way to parse settings. */
    public <T> T parse(Function<ConfigNode, T> f) {
        T t = f.apply(this);
        finish();
        return t;
    }
}
