package org.easycv4j.tools.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The combinations of a sweep: {@code --grid key=v1,v2,...} options (values are HOCON; commas inside brackets,
 * braces or quotes do not split) crossed in order, the last key varying fastest, then each seed.
 */
public record Grid(Map<String, List<String>> axes, List<Long> seeds) {

    /** One combination: a value per key, and a seed. */
    public record Point(Map<String, String> values, long seed) {
        /** The run's folder name, e.g. {@code model.mask_ratio=0.75_seed=0}. */
        public String name() {
            StringBuilder b = new StringBuilder();
            values.forEach((k, v) -> b.append(k).append('=').append(v).append('_'));
            b.append("seed=").append(seed);
            return b.toString().replaceAll("[^A-Za-z0-9._=+-]", "-");
        }

        /** {@code --set} overrides of this point, seed last. */
        public List<String> overrides() {
            List<String> out = new ArrayList<>();
            values.forEach((k, v) -> out.add(k + "=" + v));
            out.add("seed=" + seed);
            return out;
        }
    }

    /** Parses {@code key=v1,v2,...} options; a malformed one fails naming it. */
    public static Grid parse(List<String> options, List<Long> seeds) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            if (eq <= 0 || eq == o.length() - 1) {
                throw new IllegalArgumentException("--grid " + o + ": expected key=value1,value2,...");
            }
            String key = o.substring(0, eq).strip();
            if (axes.containsKey(key)) {
                throw new IllegalArgumentException("--grid " + key + " is given twice; list all its values in one option");
            }
            List<String> values = split(o.substring(eq + 1));
            if (values.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("--grid " + o + ": an empty value");
            }
            axes.put(key, values);
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds: expected at least one seed");
        }
        return new Grid(axes, List.copyOf(seeds));
    }

    /** Splits on top-level commas. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && (c == '[' || c == '{')) {
                depth++;
            } else if (!quoted && (c == ']' || c == '}')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(cur.toString().strip());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString().strip());
        return out;
    }

    /** Every combination, in order. */
    public List<Point> points() {
        List<Map<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> c : combos) {
                for (String v : axis.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(c);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            combos = next;
        }
        List<Point> out = new ArrayList<>();
        for (Map<String, String> c : combos) {
            for (long seed : seeds) {
                out.add(new Point(Map.copyOf(c).isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(c), seed));
            }
        }
        return out;
    }
}
