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
 * statements whose expressions are literals (str, int, float, bool, None, list, tuple, dict), f-strings,
 * {@code dict(...)} calls with keywords and {@code **}, names assigned earlier in the same file, subscripts and
 * slices of them ({@code data['val']}), list and dict comprehensions, {@code *} in lists and calls, calls of the
 * side-effect-free builtins and methods {@link PyEval} knows, and arithmetic (+ - * / // % **, unary minus).
 * The parser reads the syntax and evaluates as it goes (a comprehension's element is read again for each
 * binding); the operations on values are {@link PyEval}'s and {@link PyFormat}'s. Anything else is a problem at
 * its line; all problems of a file are collected before giving up.
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
    private final Map<String, PyValue> names;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> used;
    /** Names whose assignment was reported, and its line: a later use is not a second problem of its own. */
    private final Map<String, Integer> untranslated;
    /** The variables of the comprehensions being evaluated, innermost first; they hide the file's names. */
    private final java.util.Deque<Map<String, PyValue>> scopes;

    private PyConfigParser(String file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
        this.names = new LinkedHashMap<>();
        this.used = new java.util.HashSet<>();
        this.untranslated = new java.util.HashMap<>();
        this.scopes = new java.util.ArrayDeque<>();
    }

    /** A parser of one f-string field's expression, seeing the names (and comprehension variables) of {@code outer}. */
    private PyConfigParser(PyConfigParser outer, List<Token> tokens) {
        this.file = outer.file;
        this.tokens = tokens;
        this.names = outer.names;
        this.used = outer.used;
        this.untranslated = outer.untranslated;
        this.scopes = outer.scopes;
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
        rejectOperators(false);
        return v;
    }

    /** After a value: conditions, comparisons and bit operators are outside the subset ('for' too, unless it may follow). */
    private void rejectOperators(boolean forMayFollow) {
        Token n = peek();
        if (forMayFollow && n.kind() == Kind.NAME && n.text().equals("for")) {
            return;
        }
        if (n.kind() == Kind.NAME && Set.of("if", "and", "or", "not", "in", "is", "for", "lambda").contains(n.text())
                || n.kind() == Kind.OP && Set.of("==", "!=", "<", ">", "<=", ">=", "|", "&", "^", "@").contains(n.text())) {
            throw new Unsupported(n.line(), "'" + n.text() + "' expression: outside the literal subset");
        }
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
        if (t.kind() == Kind.NAME && peek(1).is("(") && peek(1).kind() == Kind.OP && !isLocal(t.text())) {
            v = call();
        } else {
            v = atom();
        }
        while (peek().kind() == Kind.OP && (peek().is("[") || peek().is(".") || peek().is("("))) {
            Token op = next();
            if (op.is(".")) {
                Token name = next();
                if (name.kind() != Kind.NAME || !(peek().is("(") && peek().kind() == Kind.OP)) {
                    throw new Unsupported(op.line(), "attribute access '." + name.text() + "': outside the literal "
                            + "subset");
                }
                next();
                Args a = arguments(")");
                v = PyEval.method(v, name.text(), a.positional(), a.keywords(), loc(name));
                continue;
            }
            if (op.is("(")) {
                throw new Unsupported(op.line(), "calling a value: outside the literal subset");
            }
            PyValue start = peek().is(":") ? null : expr();
            if (peek().is(":") && peek().kind() == Kind.OP) {
                next();
                PyValue stop = peek().is(":") || peek().is("]") ? null : expr();
                PyValue step = null;
                if (peek().is(":") && peek().kind() == Kind.OP) {
                    next();
                    step = peek().is("]") ? null : expr();
                }
                expect("]");
                v = PyEval.slice(v, start, stop, step, loc(op));
                continue;
            }
            expect("]");
            v = PyEval.subscript(v, start, op.line());
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
            case STRING, FSTRING -> {
                StringBuilder b = new StringBuilder(piece(t));
                while (peek().kind() == Kind.STRING || peek().kind() == Kind.FSTRING) { // 'a' 'b' is 'ab' in Python
                    Token n = next();
                    if (n.bad() != null) {
                        throw new Unsupported(n.line(), n.bad());
                    }
                    b.append(piece(n));
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
                        PyValue local = local(t.text());
                        if (local != null) {
                            yield local;
                        }
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
                if (t.is("[") || t.is("{")) {
                    int[] at = comprehensionAt();
                    if (at != null) {
                        return comprehension(loc, at[0], at[1], t.is("{"));
                    }
                }
                if (t.is("(")) {
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

    private PyValue local(String name) {
        for (Map<String, PyValue> scope : scopes) {
            PyValue v = scope.get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private boolean isLocal(String name) {
        return local(name) != null;
    }

    /** A string literal's text; an f-string's fields evaluated. */
    private String piece(Token t) {
        if (t.kind() != Kind.FSTRING) {
            return t.text();
        }
        return PyFormat.format(t.text(), true, List.of(), Map.of(), field -> field(field, t.line()), t.line());
    }

    /** One f-string field's expression, evaluated with the names visible where the f-string is. */
    private PyValue field(String expression, int line) {
        try {
            List<Token> sub = PyLexer.tokenize(expression);
            PyConfigParser p = new PyConfigParser(this, sub);
            PyValue v = p.expr();
            if (p.peek().kind() != Kind.NEWLINE && p.peek().kind() != Kind.END) {
                throw new Unsupported(line, "unexpected " + describe(p.peek()) + " in the f-string field {"
                        + expression + "}");
            }
            return v;
        } catch (PyLexer.LexError e) {
            throw new Unsupported(line, "in the f-string field {" + expression + "}: " + e.getMessage());
        } catch (Unsupported e) {
            throw new Unsupported(line, e.getMessage());
        }
    }

    /**
     * Just after '[' or '{': when a 'for' stands directly inside the brackets, the token indices of that 'for'
     * and of the closing bracket; null otherwise.
     */
    private int[] comprehensionAt() {
        int depth = 0;
        int forAt = -1;
        for (int k = i; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (t.kind() == Kind.END || t.kind() == Kind.NEWLINE) {
                return null;
            }
            if (t.kind() == Kind.OP && (t.is("(") || t.is("[") || t.is("{"))) {
                depth++;
            } else if (t.kind() == Kind.OP && (t.is(")") || t.is("]") || t.is("}"))) {
                if (depth-- == 0) {
                    return forAt < 0 ? null : new int[] {forAt, k};
                }
            } else if (depth == 0 && forAt < 0 && t.kind() == Kind.NAME && t.text().equals("for")) {
                forAt = k;
            }
        }
        return null;
    }

    /**
     * {@code [element for target in iterable ...]} or {@code {key: value for ...}}: the clauses bind their
     * variables in turn (an inner iterable sees the outer variables, as in Python) and the element is read
     * again for each binding. Filters ({@code if}) are outside the subset: they need comparisons.
     */
    private PyValue comprehension(Loc loc, int firstFor, int close, boolean dict) {
        int element = i;
        List<PyValue> items = new ArrayList<>();
        Map<String, PyValue> map = new LinkedHashMap<>();
        clause(firstFor, element, firstFor, close, dict, items, map);
        i = close + 1;
        return dict ? new Dict(map, loc) : new PyList(items, loc);
    }

    private void clause(int forAt, int element, int firstFor, int close, boolean dict, List<PyValue> items,
            Map<String, PyValue> map) {
        i = forAt;
        Token f = next();
        List<String> targets = new ArrayList<>();
        boolean paren = peek().is("(") && peek().kind() == Kind.OP;
        if (paren) {
            next();
        }
        while (true) {
            Token n = next();
            if (n.kind() != Kind.NAME || Set.of("in", "for", "if").contains(n.text())) {
                throw new Unsupported(n.line(), "a comprehension's variables must be names, found " + describe(n));
            }
            targets.add(n.text());
            if (!(peek().is(",") && peek().kind() == Kind.OP)) {
                break;
            }
            next();
        }
        if (paren) {
            expect(")");
        }
        if (!(peek().is("in") && peek().kind() == Kind.NAME)) {
            throw new Unsupported(peek().line(), "expected 'in' in the comprehension, found " + describe(peek()));
        }
        next();
        PyValue iterable = arith();
        Token after = peek();
        if (after.is("if") && after.kind() == Kind.NAME) {
            throw new Unsupported(after.line(), "comprehensions with an 'if' filter: outside the literal subset "
                    + "(comparisons are)");
        }
        boolean last = i == close;
        if (!last && !(after.is("for") && after.kind() == Kind.NAME)) {
            throw new Unsupported(after.line(), "unexpected " + describe(after) + " in the comprehension");
        }
        int nextFor = i;
        for (PyValue v : PyEval.iterate(iterable, f.line())) {
            scopes.push(PyEval.bind(targets, v, f.line()));
            try {
                if (last) {
                    i = element;
                    if (dict) {
                        Token k = peek();
                        PyValue key = arith();
                        expect(":");
                        PyValue value = arith();
                        rejectOperators(true);
                        if (!(key instanceof Str s)) {
                            throw new Unsupported(k.line(), "dict keys must be strings to become HOCON keys, found a "
                                    + PyValue.typeOf(key));
                        }
                        map.put(s.value(), value);
                    } else {
                        items.add(arith());
                        rejectOperators(true);
                    }
                    if (i != firstFor) {
                        throw new Unsupported(peek().line(), "unexpected " + describe(peek()) + " in the comprehension");
                    }
                } else {
                    clause(nextFor, element, firstFor, close, dict, items, map);
                }
            } finally {
                scopes.pop();
            }
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
                Token star = next();
                items.addAll(PyEval.iterate(element(), star.line()));
            } else {
                items.add(element());
            }
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

    /** A call's arguments: positional ones, then keywords. */
    record Args(List<PyValue> positional, Map<String, PyValue> keywords) {}

    /** The arguments up to {@code close} (just after the opening bracket). */
    private Args arguments(String close) {
        rejectComprehension();
        List<PyValue> args = new ArrayList<>();
        Map<String, PyValue> kwargs = new LinkedHashMap<>();
        while (!(peek().is(close) && peek().kind() == Kind.OP)) {
            Token t = peek();
            if (t.is("**") && t.kind() == Kind.OP) {
                next();
                unpack(kwargs, expr(), t);
            } else if (t.is("*") && t.kind() == Kind.OP) {
                next();
                args.addAll(PyEval.iterate(element(), t.line()));
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
            } else if (!(peek().is(close) && peek().kind() == Kind.OP)) {
                throw new Unsupported(peek().line(), "expected ',' or '" + close + "', found " + describe(peek()));
            }
        }
        next();
        return new Args(args, kwargs);
    }

    /** A call of a builtin the subset knows: dict(), list(), range(), str(), ... ({@link PyEval#call}). */
    private PyValue call() {
        Token name = next();
        next(); // (
        Args a = arguments(")");
        if (name.text().equals("dict")) {
            Map<String, PyValue> m = new LinkedHashMap<>();
            if (a.positional().size() > 1) {
                throw new Unsupported(name.line(), "dict() takes at most one positional argument");
            }
            if (a.positional().size() == 1) {
                unpack(m, a.positional().get(0), name);
            }
            m.putAll(a.keywords());
            return new Dict(m, loc(name));
        }
        return PyEval.call(name.text(), a.positional(), a.keywords(), loc(name));
    }
}
