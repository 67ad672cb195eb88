package org.easycv4j.tools.convert;

import java.util.ArrayList;
import java.util.List;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.Loc;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/**
 * The operations of the config subset on its values, with Python's rules: arithmetic, subscripts. The parser
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

    private static boolean isNumber(PyValue v) {
        return v instanceof Int || v instanceof Float || v instanceof Bool;
    }

    private static boolean isIntLike(PyValue v) {
        return v instanceof Int || v instanceof Bool;
    }

    private static double num(PyValue v) {
        if (v instanceof Int x) {
            return x.value();
        }
        if (v instanceof Float x) {
            return x.value();
        }
        return ((Bool) v).value() ? 1 : 0;
    }
}
