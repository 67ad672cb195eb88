package org.easycv4j.tools.convert;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.Loc;
import org.easycv4j.tools.convert.PyValue.None;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/**
 * The operations of the config subset on its values, with Python's rules: arithmetic, subscripts and slices,
 * iteration, the builtins and str / dict methods it knows ({@link PyFormat}: str(), repr() and formatting). The parser
 * ({@link PyConfigParser}) reads the syntax and calls these; a value or operation outside the subset is an
 * {@link Unsupported} at the line it was written.
 */
final class PyEval {
    private PyEval() {}

    /** A construct or operation outside the subset, at a line of the file being read. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Unsupported(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    static PyValue subscript(PyValue v, PyValue key, int line) {
        if (v instanceof Dict d && key instanceof Str s) {
            PyValue r = d.get(s.value());
            if (r == null) {
                throw new Unsupported(line, "KeyError: '" + s.value() + "' (the dict has " + d.map().keySet()
                        + ")");
            }
            return r;
        }
        if (v instanceof PyList l && key instanceof Int k) {
            long idx = k.value() < 0 ? l.items().size() + k.value() : k.value();
            if (idx < 0 || idx >= l.items().size()) {
                throw new Unsupported(line, "IndexError: index " + k.value() + " of a list of " + l.items().size());
            }
            return l.items().get((int) idx);
        }
        throw new Unsupported(line, "cannot subscript a " + PyValue.typeOf(v) + " with a " + PyValue.typeOf(key));
    }



    static PyValue unary(String op, PyValue v, Loc loc) {
        if (v instanceof Float x) {
            return new Float(op.equals("-") ? -x.value() : x.value(), loc);
        }
        if (!isIntLike(v)) {
            throw new Unsupported(loc.line(), "bad operand type for unary " + op + ": " + PyValue.typeOf(v));
        }
        long n = (long) num(v);
        return new Int(op.equals("-") ? -n : n, loc);
    }

    static PyValue convert(String to, PyValue v, Loc loc) {
        if (!isNumber(v)) {
            throw new Unsupported(loc.line(), to + "() of a " + PyValue.typeOf(v) + ": outside the literal subset");
        }
        double d = num(v);
        if (to.equals("float")) {
            return new Float(d, loc);
        }
        return v instanceof Int x ? new Int(x.value(), loc) : new Int((long) d, loc); // int() truncates
    }

    static PyValue apply(String op, PyValue a, PyValue b, Loc loc) {
        if (op.equals("%") && a instanceof Str fmt) {
            return new Str(PyFormat.percent(fmt.value(), b, loc.line()), loc);
        }
        if (op.equals("+") && a instanceof Str x && b instanceof Str y) {
            return new Str(x.value() + y.value(), loc);
        }
        if (op.equals("+") && a instanceof PyList x && b instanceof PyList y) {
            List<PyValue> items = new ArrayList<>(x.items());
            items.addAll(y.items());
            return new PyList(items, loc);
        }
        if (op.equals("*") && (a instanceof PyList || b instanceof PyList)
                && (a instanceof Int || b instanceof Int)) {
            PyList l = a instanceof PyList x ? x : (PyList) b;
            long n = a instanceof Int x ? x.value() : ((Int) b).value();
            List<PyValue> items = new ArrayList<>();
            for (long k = 0; k < n; k++) {
                items.addAll(l.items());
            }
            return new PyList(items, loc);
        }
        boolean ints = isIntLike(a) && isIntLike(b);
        if (!isNumber(a) || !isNumber(b)) {
            throw new Unsupported(loc.line(), "unsupported operand types for " + op + ": " + PyValue.typeOf(a)
                    + " and " + PyValue.typeOf(b));
        }
        double x = num(a);
        double y = num(b);
        if (ints && !op.equals("/") && !(op.equals("**") && y < 0)) {
            long p = (long) x;
            long q = (long) y;
            return switch (op) {
                case "+" -> new Int(Math.addExact(p, q), loc);
                case "-" -> new Int(Math.subtractExact(p, q), loc);
                case "*" -> new Int(Math.multiplyExact(p, q), loc);
                case "//" -> new Int(Math.floorDiv(p, nonZero(q, loc)), loc);
                case "%" -> new Int(Math.floorMod(p, nonZero(q, loc)), loc);
                case "**" -> new Int(pow(p, q, loc), loc);
                default -> throw new IllegalStateException(op);
            };
        }
        return switch (op) {
            case "+" -> new Float(x + y, loc);
            case "-" -> new Float(x - y, loc);
            case "*" -> new Float(x * y, loc);
            case "/" -> new Float(x / nonZero(y, loc), loc);
            case "//" -> new Float(Math.floor(x / nonZero(y, loc)), loc);
            case "%" -> new Float(x - Math.floor(x / nonZero(y, loc)) * y, loc);
            case "**" -> new Float(Math.pow(x, y), loc);
            default -> throw new IllegalStateException(op);
        };
    }

    private static long pow(long base, long exp, Loc loc) {
        if (base == 0 || base == 1) {
            return exp == 0 ? 1 : base;
        }
        if (base == -1) {
            return exp % 2 == 0 ? 1 : -1;
        }
        long r = 1;
        for (long k = 0; k < exp; k++) {
            r = Math.multiplyExact(r, base);
        }
        return r;
    }

    private static long nonZero(long v, Loc loc) {
        if (v == 0) {
            throw new Unsupported(loc.line(), "division by zero");
        }
        return v;
    }

    private static double nonZero(double v, Loc loc) {
        if (v == 0) {
            throw new Unsupported(loc.line(), "division by zero");
        }
        return v;
    }

    static boolean isNumber(PyValue v) {
        return v instanceof Int || v instanceof Float || v instanceof Bool;
    }

    static boolean isIntLike(PyValue v) {
        return v instanceof Int || v instanceof Bool;
    }

    static double num(PyValue v) {
        if (v instanceof Int x) {
            return x.value();
        }
        if (v instanceof Float x) {
            return x.value();
        }
        return ((Bool) v).value() ? 1 : 0;
    }

    // ------------------------------------------------------------ iteration, slices

    /** The items a for loop over {@code v} sees: a list's items, a string's characters, a dict's keys. */
    static List<PyValue> iterate(PyValue v, int line) {
        if (v instanceof PyList l) {
            return l.items();
        }
        if (v instanceof Str s) {
            List<PyValue> out = new ArrayList<>();
            s.value().codePoints().forEach(c -> out.add(new Str(new String(Character.toChars(c)), s.loc())));
            return out;
        }
        if (v instanceof Dict d) {
            return d.map().keySet().stream().<PyValue>map(k -> new Str(k, d.loc())).toList();
        }
        throw new Unsupported(line, "'" + PyValue.typeOf(v) + "' object is not iterable");
    }

    /** A comprehension's variables bound to one item ({@code for a, b in ...} unpacks it). */
    static Map<String, PyValue> bind(List<String> targets, PyValue item, int line) {
        Map<String, PyValue> scope = new LinkedHashMap<>();
        if (targets.size() == 1) {
            scope.put(targets.get(0), item);
            return scope;
        }
        List<PyValue> parts = iterate(item, line);
        if (parts.size() != targets.size()) {
            throw new Unsupported(line, "cannot unpack " + parts.size() + " values into " + targets.size()
                    + " variables");
        }
        for (int k = 0; k < targets.size(); k++) {
            scope.put(targets.get(k), parts.get(k));
        }
        return scope;
    }

    /** {@code v[start:stop:step]} of a list or a string, bounds as Python's slice.indices computes them. */
    static PyValue slice(PyValue v, PyValue start, PyValue stop, PyValue step, Loc loc) {
        List<PyValue> items = v instanceof PyList l ? l.items() : v instanceof Str ? iterate(v, loc.line()) : null;
        if (items == null) {
            throw new Unsupported(loc.line(), "cannot slice a " + PyValue.typeOf(v));
        }
        long n = items.size();
        long st = index(step, 1, loc);
        if (st == 0) {
            throw new Unsupported(loc.line(), "slice step cannot be zero");
        }
        long lo = bound(start, st < 0 ? n - 1 : 0, n, st, loc);
        long hi = bound(stop, st < 0 ? -1 : n, n, st, loc);
        List<PyValue> out = new ArrayList<>();
        for (long k = lo; st > 0 ? k < hi : k > hi; k += st) {
            out.add(items.get((int) k));
        }
        if (v instanceof Str) {
            StringBuilder b = new StringBuilder();
            out.forEach(c -> b.append(((Str) c).value()));
            return new Str(b.toString(), loc);
        }
        return new PyList(out, loc);
    }

    private static long index(PyValue v, long fallback, Loc loc) {
        if (v == null || v instanceof None) {
            return fallback;
        }
        if (!isIntLike(v)) {
            throw new Unsupported(loc.line(), "slice indices must be integers or None, found a " + PyValue.typeOf(v));
        }
        return (long) num(v);
    }

    private static long bound(PyValue v, long fallback, long n, long step, Loc loc) {
        if (v == null || v instanceof None) {
            return fallback;
        }
        long k = index(v, 0, loc);
        if (k < 0) {
            k += n;
            if (k < 0) {
                k = step < 0 ? -1 : 0;
            }
        } else if (k >= n) {
            k = step < 0 ? n - 1 : n;
        }
        return k;
    }

    // ------------------------------------------------------------ builtins and methods

    /**
     * The builtins without side effects EasyCV configs call: list, tuple, int, float, str, bool, range, len,
     * round, abs, min, max, sum, sorted, enumerate, zip. Any other call is refused: it could run code.
     */
    static PyValue call(String name, List<PyValue> args, Map<String, PyValue> kwargs, Loc loc) {
        int line = loc.line();
        if (!kwargs.isEmpty() && !name.equals("sorted")) {
            throw new Unsupported(line, name + "() with keyword arguments: outside the literal subset");
        }
        switch (name) {
            case "list", "tuple" -> {
                arity(name, args, 0, 1, line);
                return new PyList(args.isEmpty() ? List.of() : iterate(args.get(0), line), loc);
            }
            case "int", "float" -> {
                arity(name, args, 1, 1, line);
                PyValue v = args.get(0);
                if (v instanceof Str s) {
                    try {
                        return name.equals("int") ? new Int(Long.parseLong(s.value().strip().replace("_", "")), loc)
                                : new Float(Double.parseDouble(s.value().strip()), loc);
                    } catch (NumberFormatException e) {
                        throw new Unsupported(line, "invalid literal for " + name + "(): " + PyFormat.repr(v));
                    }
                }
                return convert(name, v, loc);
            }
            case "str" -> {
                arity(name, args, 0, 1, line);
                return new Str(args.isEmpty() ? "" : PyFormat.str(args.get(0)), loc);
            }
            case "bool" -> {
                arity(name, args, 0, 1, line);
                return new Bool(!args.isEmpty() && truthy(args.get(0)), loc);
            }
            case "range" -> {
                arity(name, args, 1, 3, line);
                long start = args.size() == 1 ? 0 : integer(args.get(0), name, line);
                long stop = integer(args.get(args.size() == 1 ? 0 : 1), name, line);
                long step = args.size() == 3 ? integer(args.get(2), name, line) : 1;
                if (step == 0) {
                    throw new Unsupported(line, "range() arg 3 must not be zero");
                }
                List<PyValue> out = new ArrayList<>();
                for (long k = start; step > 0 ? k < stop : k > stop; k += step) {
                    if (out.size() >= 1_000_000) {
                        throw new Unsupported(line, "range() of more than a million values: not a config value");
                    }
                    out.add(new Int(k, loc));
                }
                return new PyList(out, loc);
            }
            case "len" -> {
                arity(name, args, 1, 1, line);
                return new Int(iterate(args.get(0), line).size(), loc);
            }
            case "round" -> {
                arity(name, args, 1, 2, line);
                PyValue v = args.get(0);
                if (!isNumber(v)) {
                    throw new Unsupported(line, "round() of a " + PyValue.typeOf(v));
                }
                if (args.size() == 1 || args.get(1) instanceof None) {
                    // Python rounds half to even, on the exact binary value
                    return isIntLike(v) ? new Int((long) num(v), loc)
                            : new Int(new BigDecimal(num(v)).setScale(0, RoundingMode.HALF_EVEN).longValueExact(), loc);
                }
                int digits = (int) integer(args.get(1), name, line);
                if (isIntLike(v)) {
                    return new Int(new BigDecimal((long) num(v)).setScale(digits, RoundingMode.HALF_EVEN)
                            .setScale(0, RoundingMode.HALF_EVEN).longValue(), loc);
                }
                return new Float(new BigDecimal(num(v)).setScale(digits, RoundingMode.HALF_EVEN).doubleValue(), loc);
            }
            case "abs" -> {
                arity(name, args, 1, 1, line);
                PyValue v = args.get(0);
                if (v instanceof Float f) {
                    return new Float(Math.abs(f.value()), loc);
                }
                if (!isIntLike(v)) {
                    throw new Unsupported(line, "bad operand type for abs(): " + PyValue.typeOf(v));
                }
                return new Int(Math.abs((long) num(v)), loc);
            }
            case "min", "max", "sum" -> {
                arity(name, args, 1, Integer.MAX_VALUE, line);
                List<PyValue> items = args.size() == 1 ? iterate(args.get(0), line) : args;
                if (name.equals("sum")) {
                    PyValue total = new Int(0, loc);
                    for (PyValue v : items) {
                        total = apply("+", total, v, loc);
                    }
                    return total;
                }
                if (items.isEmpty()) {
                    throw new Unsupported(line, name + "() arg is an empty sequence");
                }
                PyValue best = items.get(0);
                for (PyValue v : items.subList(1, items.size())) {
                    int c = compare(v, best, line);
                    if (name.equals("min") ? c < 0 : c > 0) {
                        best = v;
                    }
                }
                return best;
            }
            case "sorted" -> {
                arity(name, args, 1, 1, line);
                boolean reverse = false;
                for (Map.Entry<String, PyValue> e : kwargs.entrySet()) {
                    if (!e.getKey().equals("reverse")) {
                        throw new Unsupported(line, "sorted() with " + e.getKey() + "=: outside the literal subset");
                    }
                    reverse = truthy(e.getValue());
                }
                List<PyValue> items = new ArrayList<>(iterate(args.get(0), line));
                items.sort((x, y) -> compare(x, y, line));
                if (reverse) {
                    java.util.Collections.reverse(items);
                }
                return new PyList(items, loc);
            }
            case "enumerate" -> {
                arity(name, args, 1, 2, line);
                long k = args.size() == 2 ? integer(args.get(1), name, line) : 0;
                List<PyValue> out = new ArrayList<>();
                for (PyValue v : iterate(args.get(0), line)) {
                    out.add(new PyList(List.of(new Int(k++, loc), v), loc));
                }
                return new PyList(out, loc);
            }
            case "zip" -> {
                List<List<PyValue>> lists = args.stream().map(a -> iterate(a, line)).toList();
                int n = lists.stream().mapToInt(List::size).min().orElse(0);
                List<PyValue> out = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    int at = k;
                    out.add(new PyList(lists.stream().map(l -> l.get(at)).toList(), loc));
                }
                return new PyList(out, loc);
            }
            default -> throw new Unsupported(line, "call of '" + name + "': only dict(), list(), tuple(), int(), "
                    + "float(), str(), bool(), range(), len(), round(), abs(), min(), max(), sum(), sorted(), "
                    + "enumerate() and zip() are translated (other calls run code)");
        }
    }

    private static void arity(String name, List<PyValue> args, int min, int max, int line) {
        if (args.size() < min || args.size() > max) {
            throw new Unsupported(line, name + "() takes " + (min == max ? "" + min : max == Integer.MAX_VALUE
                    ? "at least " + min : min + " to " + max) + " argument" + (max == 1 ? "" : "s") + ", got "
                    + args.size());
        }
    }

    private static long integer(PyValue v, String what, int line) {
        if (!isIntLike(v)) {
            throw new Unsupported(line, what + "(): expected an integer, found a " + PyValue.typeOf(v));
        }
        return (long) num(v);
    }

    private static boolean truthy(PyValue v) {
        if (v instanceof None) {
            return false;
        }
        if (isNumber(v)) {
            return num(v) != 0;
        }
        return v instanceof Str s ? !s.value().isEmpty() : v instanceof PyList l ? !l.items().isEmpty()
                : !((Dict) v).map().isEmpty();
    }

    private static int compare(PyValue a, PyValue b, int line) {
        if (isNumber(a) && isNumber(b)) {
            return Double.compare(num(a), num(b));
        }
        if (a instanceof Str x && b instanceof Str y) {
            return x.value().compareTo(y.value());
        }
        throw new Unsupported(line, "cannot compare a " + PyValue.typeOf(a) + " with a " + PyValue.typeOf(b));
    }

    /** The str methods (format, join, replace, split, strip, upper, ...) and dict's keys / values / items / get. */
    static PyValue method(PyValue v, String name, List<PyValue> args, Map<String, PyValue> kwargs, Loc loc) {
        int line = loc.line();
        if (v instanceof Str s) {
            String t = s.value();
            if (name.equals("format")) {
                return new Str(PyFormat.format(t, false, args, kwargs, null, line), loc);
            }
            if (!kwargs.isEmpty()) {
                throw new Unsupported(line, "str." + name + "() with keyword arguments: outside the literal subset");
            }
            switch (name) {
                case "upper" -> {
                    arity("str.upper", args, 0, 0, line);
                    return new Str(t.toUpperCase(Locale.ROOT), loc);
                }
                case "lower" -> {
                    arity("str.lower", args, 0, 0, line);
                    return new Str(t.toLowerCase(Locale.ROOT), loc);
                }
                case "strip", "lstrip", "rstrip" -> {
                    arity("str." + name, args, 0, 1, line);
                    String chars = args.isEmpty() || args.get(0) instanceof None ? null : string(args.get(0), name, line);
                    return new Str(strip(t, chars, !name.equals("rstrip"), !name.equals("lstrip")), loc);
                }
                case "replace" -> {
                    arity("str.replace", args, 2, 2, line);
                    return new Str(t.replace(string(args.get(0), name, line), string(args.get(1), name, line)), loc);
                }
                case "startswith", "endswith" -> {
                    arity("str." + name, args, 1, 1, line);
                    String x = string(args.get(0), name, line);
                    return new Bool(name.equals("startswith") ? t.startsWith(x) : t.endsWith(x), loc);
                }
                case "join" -> {
                    arity("str.join", args, 1, 1, line);
                    List<String> parts = new ArrayList<>();
                    for (PyValue p : iterate(args.get(0), line)) {
                        parts.add(string(p, "join", line));
                    }
                    return new Str(String.join(t, parts), loc);
                }
                case "split" -> {
                    arity("str.split", args, 0, 1, line);
                    List<PyValue> out = new ArrayList<>();
                    if (args.isEmpty() || args.get(0) instanceof None) {
                        for (String p : t.strip().split("\\s+")) {
                            if (!p.isEmpty()) {
                                out.add(new Str(p, loc));
                            }
                        }
                    } else {
                        String sep = string(args.get(0), name, line);
                        if (sep.isEmpty()) {
                            throw new Unsupported(line, "empty separator");
                        }
                        for (String p : t.split(Pattern.quote(sep), -1)) {
                            out.add(new Str(p, loc));
                        }
                    }
                    return new PyList(out, loc);
                }
                default -> throw new Unsupported(line, "str." + name + "(): outside the literal subset");
            }
        }
        if (v instanceof Dict d) {
            switch (name) {
                case "keys", "values", "items" -> {
                    arity("dict." + name, args, 0, 0, line);
                    List<PyValue> out = new ArrayList<>();
                    d.map().forEach((k, x) -> out.add(name.equals("keys") ? new Str(k, loc) : name.equals("values")
                            ? x : new PyList(List.of(new Str(k, loc), x), loc)));
                    return new PyList(out, loc);
                }
                case "get" -> {
                    arity("dict.get", args, 1, 2, line);
                    PyValue r = d.get(string(args.get(0), name, line));
                    return r != null ? r : args.size() == 2 ? args.get(1) : new None(loc);
                }
                default -> throw new Unsupported(line, "dict." + name + "(): outside the literal subset");
            }
        }
        throw new Unsupported(line, PyValue.typeOf(v) + "." + name + "(): outside the literal subset");
    }

    private static String string(PyValue v, String what, int line) {
        if (!(v instanceof Str s)) {
            throw new Unsupported(line, what + "(): expected a str, found a " + PyValue.typeOf(v));
        }
        return s.value();
    }

    private static String strip(String t, String chars, boolean left, boolean right) {
        int a = 0;
        int b = t.length();
        while (left && a < b && (chars == null ? Character.isWhitespace(t.charAt(a)) : chars.indexOf(t.charAt(a)) >= 0)) {
            a++;
        }
        while (right && b > a && (chars == null ? Character.isWhitespace(t.charAt(b - 1))
                : chars.indexOf(t.charAt(b - 1)) >= 0)) {
            b--;
        }
        return t.substring(a, b);
    }
}
