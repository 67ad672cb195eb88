package org.easycv4j.core.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The keys a component's settings parser reads, in order, with what each expects and its default: what
 * {@link ConfigNode#describing} collects so that the key reference is generated from the parser itself. A nested
 * object's keys share the catalog under the object's key as prefix ({@code key.subkey}).
 */
final class KeyCatalog {
    private final Map<String, ConfigNode.KeyInfo> keys;
    /** The path of this catalog's object inside the described component ("" for the component itself). */
    private final String prefix;

    KeyCatalog() {
        this(new LinkedHashMap<>(), "");
    }

    private KeyCatalog(Map<String, ConfigNode.KeyInfo> keys, String prefix) {
        this.keys = keys;
        this.prefix = prefix;
    }

    /** The catalog of nested object {@code key}: its keys go into this one, as {@code key.subkey}. */
    KeyCatalog child(String key) {
        return new KeyCatalog(keys, prefix + key + ".");
    }

    List<ConfigNode.KeyInfo> keys() {
        return List.copyOf(keys.values());
    }

    /** A key read with its expectation; a key read twice keeps its first default unless it was required. */
    void describe(String key, String expected, Object fallback, boolean required) {
        String def = required ? null : fallback == null ? "" : render(fallback);
        String k = prefix + key;
        keys.merge(k, new ConfigNode.KeyInfo(k, expected, def),
                (old, now) -> new ConfigNode.KeyInfo(k, now.expected(), old.fallback() == null ? null : now.fallback()));
    }

    /** A key the parser looks at only when present. */
    void optional(String key) {
        keys.putIfAbsent(prefix + key, new ConfigNode.KeyInfo(prefix + key, "optional", ""));
    }

    /** A key known without being read here (another component reads it). */
    void accept(String key) {
        keys.putIfAbsent(prefix + key, new ConfigNode.KeyInfo(prefix + key, "read by another component", ""));
    }

    /** A default as it would be written in HOCON. */
    static String render(Object v) {
        if (v instanceof Optional<?> o) {
            return o.map(KeyCatalog::render).orElse("");
        }
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue()) + ".0";
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(KeyCatalog::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return v instanceof String str ? "\"" + str + "\"" : String.valueOf(v);
    }
}
