package org.easycv4j.tools.convert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easycv4j.tools.convert.PyLexer.Kind;
import org.easycv4j.tools.convert.PyLexer.Token;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.Loc;
import org.easycv4j.tools.convert.PyValue.None;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/**
 * Reads one EasyCV python config as data, without executing it: a sequence of {@code name = expression}
 * statements whose expressions are literals (str, int, float, bool, None, list, tuple, dict), {@code dict(...)}
 * calls with keywords and {@code **}, names assigned earlier in the same file, subscripts of them
 * ({@code data['val']}), {@code int()} / {@code float()}, and arithmetic (+ - * / // % **, unary minus) on
 * numbers, + on strings and lists, list * int. Anything else is a problem at its line; all problems of a file
 * are collected before giving up.
 */
final class PyConfigParser {

    private static final Set<String> BLOCK_KEYWORDS = Set.of("if", "for", "while", "def", "class", "with", "try",
            "elif", "else", "except", "finally", "async");

    /** A construct outside the subset: where and what. */
    record Problem(Loc loc, String message) {
        @Override
        public String toString() {
            return loc + ": " + message;
        }
    }

    /** The file's assignments in first-assignment order (Python's module dict order), and its problems. */
    record Result(Map<String, PyValue> names, Set<String> used, List<Problem> problems) {}

    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Unsupported(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    private final String file;
    private final List<Token> tokens;
    private int i;
    private final Map<String, PyValue> names = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> used = new java.util.HashSet<>();
    /** Names whose assignment was reported, and its line: a later use is not a second problem of its own. */
    private final Map<String, Integer> untranslated = new java.util.HashMap<>();

    private PyConfigParser(String file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    static Result parse(String file, String source) {
        List<Token> tokens;
        try {
            tokens = PyLexer.tokenize(source);
        } catch (PyLexer.LexError e) {
            return new Result(Map.of(), Set.of(), List.of(new Problem(new Loc(file, e.line), e.getMessage())));
        }
        PyConfigParser p = new PyConfigParser(file, tokens);
        p.statements();
        return new Result(p.names, Set.copyOf(p.used), p.problems);
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(i + ahead, tokens.size() - 1));
    }

    private Token next() {
        return tokens.get(i++);
    }

    private Loc loc(Token t) {
        return new Loc(file, t.line());
    }

    private void expect(String op) {
        Token t = next();
        if (!t.is(op) || t.kind() == Kind.STRING) {
            throw new Unsupported(t.line(), "expected '" + op + "', found " + describe(t));
        }
    }

    private static String describe(Token t) {
        return switch (t.kind()) {
            case NEWLINE -> "the end of the line";
            case END -> "the end of the file";
            case STRING -> "a string";
            default -> "'" + t.text() + "'";
        };
    }

    private void statements() {
        while (peek().kind() != Kind.END) {
            Token first = peek();
            try {
                statement();
            } catch (Unsupported | ArithmeticException e) {
                int line = e instanceof Unsupported u ? u.line : first.line();
                if (first.kind() == Kind.NAME && peekAt(first).is("=")) {
                    untranslated.put(first.text(), first.line());
                    names.remove(first.text());
                }
                problems.add(new Problem(new Loc(file, line), e instanceof Unsupported ? e.getMessage()
                        : "integer overflow: the value does not fit in 64 bits"));
                skipLine();
                if (BLOCK_KEYWORDS.contains(first.text()) && first.kind() == Kind.NAME) {
                    // The block's body belongs to the reported statement.
                    while (peek().kind() != Kind.END && peek().indent() > first.indent()) {
                        skipLine();
                    }
                }
            }
        }
    }

    /** The token after {@code t}. */
    private Token peekAt(Token t) {
        int k = tokens.indexOf(t);
        return tokens.get(Math.min(k + 1, tokens.size() - 1));
    }

    private void skipLine() {
        while (peek().kind() != Kind.NEWLINE && peek().kind() != Kind.END) {
            i++;
        }
        if (peek().kind() == Kind.NEWLINE) {
            i++;
        }
    }

    private void statement() {
        Token t = peek();
        if (t.indent() > 0) {
            throw new Unsupported(t.line(), "unexpected indentation: only top-level assignments are translated");
        }
        if (t.kind() == Kind.STRING && peek(1).kind() == Kind.NEWLINE) {
            i += 2; // a docstring
            return;
        }
        if (t.kind() == Kind.NAME && (t.text().equals("import") || t.text().equals("from"))) {
            throw new Unsupported(t.line(), "'" + t.text() + "': imports run code, outside the literal subset");
        }
        if (t.kind() == Kind.NAME && BLOCK_KEYWORDS.contains(t.text())) {
            throw new Unsupported(t.line(), "'" + t.text() + "' statement: outside the literal subset "
                    + "(only name = value assignments are translated)");
        }
        if (t.kind() != Kind.NAME || !peek(1).is("=")) {
            if (t.kind() == Kind.NAME && peek(1).kind() == Kind.OP && peek(1).text().endsWith("=")
                    && !peek(1).text().equals("==")) {
                throw new Unsupported(t.line(), "augmented assignment '" + peek(1).text() + "': outside the literal "
                        + "subset (write the value)");
            }
            throw new Unsupported(t.line(), "expected 'name = value', found " + describe(t)
                    + (t.kind() == Kind.NAME && (peek(1).is(".") || peek(1).is("[")) ? " followed by '" + peek(1).text()
                    + "': assigning into an object runs code, outside the literal subset" : ""));
        }
        i += 2;
        if (peek(1).is("=") && peek().kind() == Kind.NAME) {
            throw new Unsupported(t.line(), "chained assignment: outside the literal subset");
        }
        PyValue v = expr();
        Token end = peek();
        if (end.kind() != Kind.NEWLINE && end.kind() != Kind.END) {
            throw new Unsupported(end.line(), "unexpected " + describe(end) + " after the value of " + t.text()
                    + (end.is(",") ? " (a bare tuple: write it in parentheses)" : ""));
        }
        if (end.kind() == Kind.NEWLINE) {
            i++;
        }
        names.put(t.text(), v);
    }

    // ------------------------------------------------------------ expressions

    private PyValue expr() {
        PyValue v = arith();
        Token n = peek();
        if (n.kind() == Kind.NAME && Set.of("if", "and", "or", "not", "in", "is", "for", "lambda").contains(n.text())
                || n.kind() == Kind.OP && Set.of("==", "!=", "<", ">", "<=", ">=", "|", "&", "^", "@").contains(n.text())) {
            throw new Unsupported(n.line(), "'" + n.text() + "' expression: outside the literal subset");
        }
        return v;
    }

    private PyValue arith() {
        PyValue v = term();
        while (peek().kind() == Kind.OP && (peek().is("+") || peek().is("-"))) {
            Token op = next();
            v = Arith.apply(op.text(), v, term(), loc(op));
        }
        return v;
    }

    private PyValue term() {
        PyValue v = factor();
        while (peek().kind() == Kind.OP && (peek().is("*") || peek().is("/") || peek().is("//") || peek().is("%"))) {
            Token op = next();
            v = Arith.apply(op.text(), v, factor(), loc(op));
        }
        return v;
    }

    private PyValue factor() {
        Token t = peek();
        if (t.kind() == Kind.OP && (t.is("-") || t.is("+"))) {
            next();
            return Arith.unary(t.text(), factor(), loc(t));
        }
        if (t.kind() == Kind.NAME && t.text().equals("not")) {
            throw new Unsupported(t.line(), "'not': outside the literal subset");
        }
        return power();
    }

    private PyValue power() {
        PyValue v = primary();
        if (peek().kind() == Kind.OP && peek().is("**")) {
            Token op = next();
            v = Arith.apply("**", v, factor(), loc(op));
        }
        return v;
    }

    private PyValue primary() {
        Token t = peek();
        PyValue v;
        if (t.kind() == Kind.NAME && peek(1).is("(") && peek(1).kind() == Kind.OP) {
            v = call();
        } else {
            v = atom();
        }
        while (peek().kind() == Kind.OP && (peek().is("[") || peek().is(".") || peek().is("("))) {
            Token op = next();
            if (op.is(".")) {
                throw new Unsupported(op.line(), "attribute access '." + peek().text() + "': outside the literal "
                        + "subset");
            }
            if (op.is("(")) {
                throw new Unsupported(op.line(), "calling a value: outside the literal subset");
            }
            Token keyTok = peek();
            if (peek().is(":")) {
                throw new Unsupported(op.line(), "slices: outside the literal subset");
            }
            PyValue key = expr();
            if (peek().is(":")) {
                throw new Unsupported(op.line(), "slices: outside the literal subset");
            }
            expect("]");
            v = subscript(v, key, keyTok);
        }
        return v;
    }

    private PyValue subscript(PyValue v, PyValue key, Token at) {
        if (v instanceof Dict d && key instanceof Str s) {
            PyValue r = d.get(s.value());
            if (r == null) {
                throw new Unsupported(at.line(), "KeyError: '" + s.value() + "' (the dict has " + d.map().keySet()
                        + ")");
            }
            return r;
        }
        if (v instanceof PyList l && key instanceof Int k) {
            long idx = k.value() < 0 ? l.items().size() + k.value() : k.value();
            if (idx < 0 || idx >= l.items().size()) {
                throw new Unsupported(at.line(), "IndexError: index " + k.value() + " of a list of " + l.items().size());
            }
            return l.items().get((int) idx);
        }
        throw new Unsupported(at.line(), "cannot subscript a " + PyValue.typeOf(v) + " with a " + PyValue.typeOf(key));
    }

    private PyValue atom() {
        Token t = next();
        Loc loc = loc(t);
        if (t.bad() != null) {
            throw new Unsupported(t.line(), t.bad());
        }
        switch (t.kind()) {
            case INT -> {
                try {
                    String s = t.text().toLowerCase();
                    long v = s.startsWith("0x") ? Long.parseLong(s.substring(2), 16)
                            : s.startsWith("0o") ? Long.parseLong(s.substring(2), 8)
                            : s.startsWith("0b") ? Long.parseLong(s.substring(2), 2) : Long.parseLong(s);
                    return new Int(v, loc);
                } catch (NumberFormatException e) {
                    throw new Unsupported(t.line(), "integer " + t.text() + " out of the 64-bit range");
                }
            }
            case FLOAT -> {
                return new Float(Double.parseDouble(t.text()), loc);
            }
            case STRING -> {
                StringBuilder b = new StringBuilder(t.text());
                while (peek().kind() == Kind.STRING) { // 'a' 'b' is 'ab' in Python
                    Token n = next();
                    if (n.bad() != null) {
                        throw new Unsupported(n.line(), n.bad());
                    }
                    b.append(n.text());
                }
                return new Str(b.toString(), loc);
            }
            case NAME -> {
                return switch (t.text()) {
                    case "True" -> new Bool(true, loc);
                    case "False" -> new Bool(false, loc);
                    case "None" -> new None(loc);
                    case "lambda", "yield", "await" -> throw new Unsupported(t.line(), "'" + t.text()
                            + "': outside the literal subset");
                    default -> {
                        PyValue v = names.get(t.text());
                        used.add(t.text());
                        if (v == null && untranslated.containsKey(t.text())) {
                            throw new Unsupported(t.line(), "uses '" + t.text() + "', whose assignment (line "
                                    + untranslated.get(t.text()) + ") is not translated");
                        }
                        if (v == null) {
                            throw new Unsupported(t.line(), "name '" + t.text() + "' is not assigned earlier in this"
                                    + " file (names of _base_ files are not visible in Python either)");
                        }
                        yield v;
                    }
                };
            }
            case OP -> {
                if (t.is("(") || t.is("[") || t.is("{")) {
                    rejectComprehension();
                }
                if (t.is("(")) {
                    return tupleOrParens(loc);
                }
                if (t.is("[")) {
                    List<PyValue> items = sequence("]");
                    return new PyList(items, loc);
                }
                if (t.is("{")) {
                    return dictLiteral(loc);
                }
                throw new Unsupported(t.line(), "unexpected '" + t.text() + "'");
            }
            default -> throw new Unsupported(t.line(), "expected a value, found " + describe(t));
        }
    }

    /** Just after an opening bracket: a 'for' directly inside it makes a comprehension. */
    private void rejectComprehension() {
        int depth = 0;
        for (int k = i; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (t.kind() == Kind.END || t.kind() == Kind.NEWLINE) {
                return;
            }
            if (t.kind() == Kind.OP && (t.is("(") || t.is("[") || t.is("{"))) {
                depth++;
            } else if (t.kind() == Kind.OP && (t.is(")") || t.is("]") || t.is("}"))) {
                if (depth-- == 0) {
                    return;
                }
            } else if (depth == 0 && t.kind() == Kind.NAME && t.text().equals("for")) {
                throw new Unsupported(t.line(), "comprehensions: outside the literal subset");
            }
        }
    }

    private PyValue tupleOrParens(Loc loc) {
        if (peek().is(")") && peek().kind() == Kind.OP) {
            next();
            return new PyList(List.of(), loc);
        }
        PyValue first = element();
        if (peek().is(")") && peek().kind() == Kind.OP) {
            next();
            return first; // (x) is x
        }
        List<PyValue> items = new ArrayList<>(List.of(first));
        expect(",");
        items.addAll(sequence(")"));
        return new PyList(items, loc);
    }

    /** Items up to {@code close}, comma separated, trailing comma allowed. */
    private List<PyValue> sequence(String close) {
        List<PyValue> items = new ArrayList<>();
        while (!(peek().is(close) && peek().kind() == Kind.OP)) {
            if (peek().is("*") && peek().kind() == Kind.OP) {
                throw new Unsupported(peek().line(), "'*' unpacking: outside the literal subset");
            }
            items.add(element());
            if (peek().is(",") && peek().kind() == Kind.OP) {
                next();
            } else if (!(peek().is(close) && peek().kind() == Kind.OP)) {
                throw new Unsupported(peek().line(), "expected ',' or '" + close + "', found " + describe(peek()));
            }
        }
        next();
        return items;
    }

    /** A list/tuple/dict element: an expression, not a comprehension. */
    private PyValue element() {
        PyValue v = expr();
        if (peek().is("for") && peek().kind() == Kind.NAME) {
            throw new Unsupported(peek().line(), "comprehensions: outside the literal subset");
        }
        return v;
    }

    private PyValue dictLiteral(Loc loc) {
        Map<String, PyValue> m = new LinkedHashMap<>();
        while (!(peek().is("}") && peek().kind() == Kind.OP)) {
            Token k = peek();
            if (k.is("**") && k.kind() == Kind.OP) {
                next();
                unpack(m, expr(), k);
            } else {
                PyValue key = expr();
                if (!(peek().is(":") && peek().kind() == Kind.OP)) {
                    throw new Unsupported(peek().line(), peek().is(",") || peek().is("}")
                            ? "sets are outside the literal subset" : "expected ':' in a dict, found " + describe(peek()));
                }
                next();
                PyValue value = element();
                if (!(key instanceof Str s)) {
                    throw new Unsupported(k.line(), "dict keys must be strings to become HOCON keys, found a "
                            + PyValue.typeOf(key));
                }
                m.put(s.value(), value);
            }
            if (peek().is(",") && peek().kind() == Kind.OP) {
                next();
            } else if (!(peek().is("}") && peek().kind() == Kind.OP)) {
                throw new Unsupported(peek().line(), "expected ',' or '}', found " + describe(peek()));
            }
        }
        next();
        return new Dict(m, loc);
    }

    private void unpack(Map<String, PyValue> into, PyValue v, Token at) {
        if (!(v instanceof Dict d)) {
            throw new Unsupported(at.line(), "'**' needs a dict, found a " + PyValue.typeOf(v));
        }
        into.putAll(d.map());
    }

    /** dict(...), list(...), tuple(...), int(...), float(...). */
    private PyValue call() {
        Token name = next();
        Loc loc = loc(name);
        next(); // (
        rejectComprehension();
        List<PyValue> args = new ArrayList<>();
        Map<String, PyValue> kwargs = new LinkedHashMap<>();
        while (!(peek().is(")") && peek().kind() == Kind.OP)) {
            Token t = peek();
            if (t.is("**") && t.kind() == Kind.OP) {
                next();
                unpack(kwargs, expr(), t);
            } else if (t.is("*") && t.kind() == Kind.OP) {
                throw new Unsupported(t.line(), "'*' unpacking: outside the literal subset");
            } else if (t.kind() == Kind.NAME && peek(1).is("=") && peek(1).kind() == Kind.OP) {
                i += 2;
                kwargs.put(t.text(), element());
            } else {
                if (!kwargs.isEmpty()) {
                    throw new Unsupported(t.line(), "positional argument after keyword arguments");
                }
                args.add(element());
            }
            if (peek().is(",") && peek().kind() == Kind.OP) {
                next();
            } else if (!(peek().is(")") && peek().kind() == Kind.OP)) {
                throw new Unsupported(peek().line(), "expected ',' or ')', found " + describe(peek()));
            }
        }
        next();
        switch (name.text()) {
            case "dict" -> {
                Map<String, PyValue> m = new LinkedHashMap<>();
                if (args.size() > 1) {
                    throw new Unsupported(name.line(), "dict() takes at most one positional argument");
                }
                if (args.size() == 1) {
                    unpack(m, args.get(0), name);
                }
                m.putAll(kwargs);
                return new Dict(m, loc);
            }
            case "list", "tuple" -> {
                if (!kwargs.isEmpty() || args.size() > 1) {
                    throw new Unsupported(name.line(), name.text() + "() takes one list or tuple");
                }
                if (args.isEmpty()) {
                    return new PyList(List.of(), loc);
                }
                if (args.get(0) instanceof PyList l) {
                    return new PyList(l.items(), loc);
                }
                throw new Unsupported(name.line(), name.text() + "() of a " + PyValue.typeOf(args.get(0))
                        + ": outside the literal subset");
            }
            case "int", "float" -> {
                if (!kwargs.isEmpty() || args.size() != 1) {
                    throw new Unsupported(name.line(), name.text() + "() takes one number");
                }
                return Arith.convert(name.text(), args.get(0), loc);
            }
            default -> throw new Unsupported(name.line(), "call of '" + name.text() + "': only dict(), list(), "
                    + "tuple(), int() and float() are translated (other calls run code)");
        }
    }

    /** Arithmetic with Python's rules on the subset's values; errors carry the operator's line. */
    static final class Arith {
        private Arith() {}

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
}
