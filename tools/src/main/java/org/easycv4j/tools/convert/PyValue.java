package org.easycv4j.tools.convert;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of the Python subset EasyCV's configs are written in. Values are never mutated once built, so that two places
 * holding the same object (a name used twice) can be told apart from equal copies: that identity is what
 * becomes a HOCON substitution.
 */
sealed interface PyValue {

    /** Where the value was written. */
    Loc loc();

    /** A file and line, printed as {@code file:line}. */
    record Loc(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** dict(...) or {...}: string keys in insertion order, as Python keeps them. */
    record Dict(Map<String, PyValue> map, Loc loc) implements PyValue {
        public Dict {
            map = Collections.unmodifiableMap(new LinkedHashMap<>(map));
        }

        PyValue get(String key) {
            return map.get(key);
        }

        String typeName() {
            return map.get("type") instanceof Str s ? s.value() : null;
        }

        /** A copy with {@code key} set (kept in place when present, appended otherwise). */
        Dict with(String key, PyValue value) {
            Map<String, PyValue> m = new LinkedHashMap<>(map);
            m.put(key, value);
            return new Dict(m, loc);
        }

        Dict without(String key) {
            Map<String, PyValue> m = new LinkedHashMap<>(map);
            m.remove(key);
            return new Dict(m, loc);
        }
    }

    /** A list or a tuple (HOCON has only lists). */
    record PyList(List<PyValue> items, Loc loc) implements PyValue {
        public PyList {
            items = List.copyOf(items);
        }
    }

    record Str(String value, Loc loc) implements PyValue {}

    record Int(long value, Loc loc) implements PyValue {}

    record Float(double value, Loc loc) implements PyValue {}

    record Bool(boolean value, Loc loc) implements PyValue {}

    record None(Loc loc) implements PyValue {}

    /** Python's name of the value's type, for messages. */
    static String typeOf(PyValue v) {
        if (v instanceof Dict) {
            return "dict";
        } else if (v instanceof PyList) {
            return "list";
        } else if (v instanceof Str) {
            return "str";
        } else if (v instanceof Int) {
            return "int";
        } else if (v instanceof Float) {
            return "float";
        } else if (v instanceof Bool) {
            return "bool";
        }
        return "None";
    }
}
