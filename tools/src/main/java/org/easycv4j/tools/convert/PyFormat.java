package org.easycv4j.tools.convert;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easycv4j.tools.convert.PyEval.Unsupported;
import org.easycv4j.tools.convert.PyValue.Bool;
import org.easycv4j.tools.convert.PyValue.Dict;
import org.easycv4j.tools.convert.PyValue.Float;
import org.easycv4j.tools.convert.PyValue.Int;
import org.easycv4j.tools.convert.PyValue.PyList;
import org.easycv4j.tools.convert.PyValue.Str;

/** Python's str() and repr() of the subset's values, and its string formatting: f-strings, str.format, %. */
final class PyFormat {
    private PyFormat() {}

    /** Python's str(). */
    static String str(PyValue v) {
        return v instanceof Str s ? s.value() : repr(v);
    }

    /** Python's repr() of the subset's values. */
    static String repr(PyValue v) {
        if (v instanceof Str s) {
            String t = s.value();
            char q = t.contains("'") && !t.contains("\"") ? '"' : '\'';
            StringBuilder b = new StringBuilder().append(q);
            for (char c : t.toCharArray()) {
                switch (c) {
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    case '\r' -> b.append("\\r");
                    default -> b.append(c == q ? "\\" + c : String.valueOf(c));
                }
            }
            return b.append(q).toString();
        }
        if (v instanceof Int x) {
            return Long.toString(x.value());
        }
        if (v instanceof Float x) {
            return floatRepr(x.value());
        }
        if (v instanceof Bool x) {
            return x.value() ? "True" : "False";
        }
        if (v instanceof PyList l) {
            return "[" + String.join(", ", l.items().stream().map(PyFormat::repr).toList()) + "]";
        }
        if (v instanceof Dict d) {
            List<String> parts = new ArrayList<>();
            d.map().forEach((k, x) -> parts.add(repr(new Str(k, d.loc())) + ": " + repr(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        return "None";
    }

    /** Python's repr of a float: the shortest digits, scientific below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int exp = digits.length() - 1 - b.scale();
        String sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        String plain = b.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static final Pattern SPEC = Pattern.compile("(0?)(\\d*)(?:\\.(\\d+))?([dfes%]?)");

    /** One formatted field: {@code !r} / {@code !s} and a spec of width, precision and type d f e s %. */
    static String field(PyValue v, String conversion, String spec, int line) {
        if (conversion != null) {
            if (!conversion.equals("r") && !conversion.equals("s")) {
                throw new Unsupported(line, "conversion !" + conversion + ": outside the literal subset");
            }
            v = new Str(conversion.equals("r") ? repr(v) : str(v), v.loc());
        }
        if (spec.isEmpty()) {
            return str(v);
        }
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new Unsupported(line, "format spec '" + spec + "': only width, precision and the types d f e s % "
                    + "are translated");
        }
        String type = m.group(4);
        Integer precision = m.group(3) == null ? null : Integer.parseInt(m.group(3));
        String body;
        if (type.equals("d")) {
            if (!PyEval.isIntLike(v)) {
                throw new Unsupported(line, "format spec 'd' of a " + PyValue.typeOf(v));
            }
            body = Long.toString((long) PyEval.num(v));
        } else if (type.equals("f") || type.equals("e") || type.equals("%") || (type.isEmpty() && precision != null)) {
            if (!PyEval.isNumber(v)) {
                throw new Unsupported(line, "format spec '" + spec + "' of a " + PyValue.typeOf(v));
            }
            double x = type.equals("%") ? PyEval.num(v) * 100 : PyEval.num(v);
            int p = precision == null ? 6 : precision;
            if (type.isEmpty()) {
                throw new Unsupported(line, "format spec '" + spec + "' (general format): outside the literal subset");
            }
            body = type.equals("e") ? pyExp(x, p) : new BigDecimal(x).setScale(p, RoundingMode.HALF_EVEN).toPlainString()
                    + (type.equals("%") ? "%" : "");
        } else {
            body = str(v);
            if (precision != null) {
                body = body.substring(0, Math.min(precision, body.length()));
            }
        }
        int width = m.group(2).isEmpty() ? 0 : Integer.parseInt(m.group(2));
        boolean number = !(v instanceof Str) && !type.equals("s");
        if (body.length() < width) {
            String pad = (m.group(1).isEmpty() ? " " : "0").repeat(width - body.length());
            boolean neg = body.startsWith("-");
            body = number ? (m.group(1).isEmpty() ? pad + body : (neg ? "-" + pad + body.substring(1) : pad + body))
                    : body + pad;
        }
        return body;
    }

    private static String pyExp(double x, int p) {
        String s = String.format(Locale.ROOT, "%." + p + "e", x);
        int e = s.indexOf('e');
        String exp = s.substring(e + 1);
        char sign = exp.charAt(0) == '-' ? '-' : '+';
        String digits = exp.replaceFirst("^[+-]", "");
        return s.substring(0, e) + "e" + sign + (digits.length() < 2 ? "0" + digits : digits);
    }

    /**
     * The fields of a format string: {@code {}} / {@code {0}} / {@code {name}} from the arguments (str.format), or
     * each field's expression through {@code evaluate} (an f-string); {@code {{} and {@code }}} are braces.
     */
    static String format(String t, boolean fstring, List<PyValue> args, Map<String, PyValue> kwargs,
            Function<String, PyValue> evaluate, int line) {
        StringBuilder b = new StringBuilder();
        int auto = 0;
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c == '}') {
                if (k + 1 < t.length() && t.charAt(k + 1) == '}') {
                    b.append('}');
                    k++;
                    continue;
                }
                throw new Unsupported(line, "single '}' in a format string");
            }
            if (c != '{') {
                b.append(c);
                continue;
            }
            if (k + 1 < t.length() && t.charAt(k + 1) == '{') {
                b.append('{');
                k++;
                continue;
            }
            int end = fieldEnd(t, k + 1, line);
            String inner = t.substring(k + 1, end);
            k = end;
            // the field: expression [!conversion] [:spec], split outside brackets and quotes
            int colon = topLevel(inner, 0, ':');
            String head = colon < 0 ? inner : inner.substring(0, colon);
            String spec = colon < 0 ? "" : inner.substring(colon + 1);
            if (spec.contains("{")) {
                throw new Unsupported(line, "nested fields in a format spec: outside the literal subset");
            }
            int bang = topLevel(head, 0, '!');
            String conversion = null;
            if (bang >= 0 && !(bang + 1 < head.length() && head.charAt(bang + 1) == '=')) {
                conversion = head.substring(bang + 1).strip();
                head = head.substring(0, bang);
            }
            String expression = head.strip();
            if (fstring && expression.endsWith("=") && !expression.endsWith("==")) {
                throw new Unsupported(line, "self-documenting f-string fields ('=') are outside the literal subset");
            }
            PyValue v;
            if (fstring) {
                if (expression.isEmpty()) {
                    throw new Unsupported(line, "empty expression in an f-string");
                }
                v = evaluate.apply(expression);
            } else if (expression.isEmpty()) {
                v = positional(args, auto++, line);
            } else if (expression.chars().allMatch(Character::isDigit)) {
                v = positional(args, Integer.parseInt(expression), line);
            } else {
                v = kwargs.get(expression);
                if (v == null) {
                    throw new Unsupported(line, "KeyError: '" + expression + "' in str.format()");
                }
            }
            b.append(field(v, conversion, spec, line));
        }
        return b.toString();
    }

    private static PyValue positional(List<PyValue> args, int k, int line) {
        if (k >= args.size()) {
            throw new Unsupported(line, "IndexError: format field {" + k + "} of " + args.size() + " arguments");
        }
        return args.get(k);
    }

    /** The index of the '}' closing a field that starts at {@code from}, skipping brackets and quoted strings. */
    private static int fieldEnd(String t, int from, int line) {
        int end = topLevel(t, from, '}');
        if (end < 0) {
            throw new Unsupported(line, "unclosed '{' in a format string");
        }
        return end;
    }

    /** The first {@code sep} at or after {@code from} outside brackets and quotes, or -1. */
    private static int topLevel(String s, int from, char sep) {
        int depth = 0;
        char quote = 0;
        for (int k = from; k < s.length(); k++) {
            char c = s.charAt(k);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == sep && depth == 0) {
                return k;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
        return -1;
    }

    /** {@code fmt % args}: %s %r %d %i %f %e with width and precision, and %%. */
    static String percent(String fmt, PyValue args, int line) {
        List<PyValue> values = args instanceof PyList l ? l.items() : List.of(args);
        Matcher m = Pattern.compile("%(0?)(\\d*)(?:\\.(\\d+))?([sridfe%])").matcher(fmt);
        StringBuilder b = new StringBuilder();
        int next = 0;
        int last = 0;
        while (m.find()) {
            b.append(fmt, last, m.start());
            last = m.end();
            String type = m.group(4);
            if (type.equals("%")) {
                b.append('%');
                continue;
            }
            if (next >= values.size()) {
                throw new Unsupported(line, "not enough arguments for format string");
            }
            PyValue v = values.get(next++);
            String spec = m.group(1) + m.group(2) + (m.group(3) == null ? "" : "." + m.group(3));
            switch (type) {
                case "s", "r" -> b.append(field(v, type.equals("r") ? "r" : null, spec, line));
                case "d", "i" -> {
                    if (!PyEval.isNumber(v)) {
                        throw new Unsupported(line, "%" + type + " format: a number is required, not "
                                + PyValue.typeOf(v));
                    }
                    b.append(field(new Int((long) PyEval.num(v), v.loc()), null, spec.replaceAll("\\..*", "") + "d", line));
                }
                default -> b.append(field(v, null, spec + type, line));
            }
        }
        String rest = fmt.substring(last);
        if (rest.contains("%")) {
            throw new Unsupported(line, "format '" + fmt + "': only %s %r %d %i %f %e and %% are translated");
        }
        b.append(rest);
        if (next < values.size()) {
            throw new Unsupported(line, "not all arguments converted during string formatting");
        }
        return b.toString();
    }
}
