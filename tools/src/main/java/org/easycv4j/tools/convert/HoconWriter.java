package org.easycv4j.tools.convert;

import com.typesafe.config.ConfigUtil;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.None;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/**
 * Writes a translated config as HOCON: the runner's keys in the config's order, then the helper names under
 * {@code vars}. A value that the python config used by name in several places (the same object, not an equal
 * copy) is written once, where it was first defined, and as a {@code ${...}} substitution elsewhere, so that
 * overriding it ({@code --set vars.data_train_root=...}) moves every use, as editing the name would in EasyCV.
 */
final class HoconWriter {
    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "include", "yes", "no", "on", "off");
    private static final int INLINE_WIDTH = 110;

    private final Map<PyValue, String> canonical = new IdentityHashMap<>();
    private final StringBuilder out = new StringBuilder();

    private HoconWriter() {}

    /** {@code keys}: the top-level keys; {@code vars}: helper names; both in the python config's order. */
    static String write(List<String> header, Map<String, PyValue> keys, Map<String, PyValue> vars,
            List<String> order) {
        HoconWriter w = new HoconWriter();
        // Helper names are where values are defined; the keys use them.
        for (String name : order) {
            if (vars.containsKey(name)) {
                w.register(vars.get(name), List.of("vars", name));
            }
        }
        for (String name : order) {
            if (keys.containsKey(name)) {
                w.register(keys.get(name), List.of(name));
            }
        }
        for (String h : header) {
            w.out.append(h.isEmpty() ? "#" : "# " + h).append('\n');
        }
        for (Map.Entry<String, PyValue> e : keys.entrySet()) {
            w.out.append('\n');
            w.entry(e.getKey(), e.getValue(), List.of(e.getKey()), 0);
        }
        if (!vars.isEmpty()) {
            w.out.append("\n# The python config's helper names; the keys above refer to them.\n");
            w.entry("vars", new Dict(vars, vars.values().iterator().next().loc()), List.of("vars"), 0);
        }
        return w.out.toString();
    }

    /** The first place each value appears, through objects only (HOCON paths cannot index lists). */
    private void register(PyValue v, List<String> path) {
        if (canonical.containsKey(v)) {
            return;
        }
        canonical.put(v, ConfigUtil.joinPath(path));
        if (v instanceof Dict d) {
            for (Map.Entry<String, PyValue> e : d.map().entrySet()) {
                List<String> p = new ArrayList<>(path);
                p.add(e.getKey());
                register(e.getValue(), p);
            }
        }
    }

    private void entry(String key, PyValue v, List<String> path, int indent) {
        out.append("  ".repeat(indent)).append(key(key));
        String ref = ref(v, path);
        if (ref == null && v instanceof Dict) {
            out.append(' ');
        } else {
            out.append(" = ");
        }
        value(v, path, indent);
        out.append('\n');
    }

    /** A substitution for {@code v} at {@code path} (null: inside a list) unless this is where it is defined. */
    private String ref(PyValue v, List<String> path) {
        String c = canonical.get(v);
        return c != null && (path == null || !c.equals(ConfigUtil.joinPath(path))) ? "${" + c + "}" : null;
    }

    private void value(PyValue v, List<String> path, int indent) {
        String ref = ref(v, path);
        if (ref != null) {
            out.append(ref);
            return;
        }
        String inline = inline(v, path);
        if (inline != null && inline.length() + indent * 2 <= INLINE_WIDTH) {
            out.append(inline);
            return;
        }
        if (v instanceof Dict d) {
            out.append("{\n");
            for (Map.Entry<String, PyValue> e : d.map().entrySet()) {
                entry(e.getKey(), e.getValue(), child(path, e.getKey()), indent + 1);
            }
            out.append("  ".repeat(indent)).append('}');
        } else if (v instanceof PyList l) {
            out.append("[\n");
            for (PyValue item : l.items()) {
                out.append("  ".repeat(indent + 1));
                value(item, null, indent + 1);
                out.append('\n');
            }
            out.append("  ".repeat(indent)).append(']');
        } else {
            out.append(scalar(v));
        }
    }

    private static List<String> child(List<String> path, String key) {
        if (path == null) {
            return null;
        }
        List<String> p = new ArrayList<>(path);
        p.add(key);
        return p;
    }

    /**
     * The value on one line when it holds no object with more than one entry per line's worth: scalars, lists
     * of scalars, small objects of scalars. Null when it should be spread over lines. Objects whose entries
     * can match the same parameter (paramwise_options) are spread, so that each entry has its own line.
     */
    private String inline(PyValue v, List<String> path) {
        if (v instanceof Dict d) {
            if (d.map().isEmpty()) {
                return "{}";
            }
            if (path != null && path.get(path.size() - 1).equals("paramwise_options")) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, PyValue> e : d.map().entrySet()) {
                PyValue c = e.getValue();
                List<String> cp = child(path, e.getKey());
                String r = ref(c, cp);
                String s = r != null ? r : c instanceof Dict ? null : c instanceof PyList ? inline(c, cp) : scalar(c);
                if (s == null) {
                    return null;
                }
                parts.add(key(e.getKey()) + " = " + s);
            }
            return "{ " + String.join(", ", parts) + " }";
        }
        if (v instanceof PyList l) {
            List<String> parts = new ArrayList<>();
            for (PyValue item : l.items()) {
                String r = ref(item, null);
                if (r != null) {
                    parts.add(r);
                } else if (item instanceof Dict || item instanceof PyList) {
                    String s = inline(item, null);
                    if (s == null) {
                        return null;
                    }
                    parts.add(s);
                } else {
                    parts.add(scalar(item));
                }
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return scalar(v);
    }

    private static String key(String k) {
        return BARE_KEY.matcher(k).matches() && !RESERVED.contains(k.toLowerCase(Locale.ROOT)) ? k
                : ConfigUtil.quoteString(k);
    }

    private static String scalar(PyValue v) {
        if (v instanceof Str s) {
            return ConfigUtil.quoteString(s.value());
        }
        if (v instanceof Int i) {
            return Long.toString(i.value());
        }
        if (v instanceof Float f) {
            if (Double.isNaN(f.value()) || Double.isInfinite(f.value())) {
                return ConfigUtil.quoteString(Double.toString(f.value())); // HOCON has no NaN or infinity
            }
            return Double.toString(f.value());
        }
        if (v instanceof Bool b) {
            return Boolean.toString(b.value());
        }
        if (v instanceof None) {
            return "null";
        }
        throw new IllegalArgumentException("not a scalar: " + v);
    }

    /** Keys and vars split of a translated config, keeping the python order of each. */
    static Map<String, PyValue> select(Dict root, boolean known) {
        Map<String, PyValue> m = new LinkedHashMap<>();
        root.map().forEach((k, v) -> {
            if (EasyCvMapping.KEYS.contains(k) == known) {
                m.put(k, v);
            }
        });
        return m;
    }
}
