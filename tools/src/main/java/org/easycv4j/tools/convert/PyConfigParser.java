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
import org.easycv4j.tools.convert.PyEval.Unsupported;

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
            v = PyEval.apply(op.text(), v, term(), loc(op));
        }
        return v;
    }

    private PyValue term() {
        PyValue v = factor();
        while (peek().kind() == Kind.OP && (peek().is("*") || peek().is("/") || peek().is("//") || peek().is("%"))) {
            Token op = next();
            v = PyEval.apply(op.text(), v, factor(), loc(op));
        }
        return v;
    }

    private PyValue factor() {
        Token t = peek();
        if (t.kind() == Kind.OP && (t.is("-") || t.is("+"))) {
            next();
            return PyEval.unary(t.text(), factor(), loc(t));
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
            v = PyEval.apply("**", v, factor(), loc(op));
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
            v = PyEval.subscript(v, key, keyTok.line());
        }
        return v;
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
                return PyEval.convert(name.text(), args.get(0), loc);
            }
            default -> throw new Unsupported(name.line(), "call of '" + name.text() + "': only dict(), list(), "
                    + "tuple(), int() and float() are translated (other calls run code)");
        }
    }
}
