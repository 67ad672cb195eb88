package org.easycv4j.tools.convert;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits python source into tokens: names, numbers, strings (with Python's escapes and adjacent-literal
 * concatenation left to the parser), operators and logical line ends. Newlines inside brackets and after a
 * backslash continue the line, as in Python. Never executes anything.
 */
final class PyLexer {

    enum Kind { NAME, INT, FLOAT, STRING, FSTRING, OP, NEWLINE, END }

    /**
     * One token; {@code indent} is the column of the first token of its logical line (0 at the top level),
     * {@code bad} a reason when the token cannot be part of the subset (a bytes literal).
     */
    record Token(Kind kind, String text, int line, int indent, String bad) {
        boolean is(String op) {
            return (kind == Kind.OP || kind == Kind.NAME) && text.equals(op);
        }
    }

    /** An error in the source text itself (an unterminated string, a stray character). */
    static final class LexError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        LexError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private static final String[] OPS = {"**=", "//=", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
        "->", ":=", "(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "-", "*", "/", "%", ".", "<", ">", "@", "|", "&",
        "^", "~", ";"};

    private final String src;
    private int pos;
    private int line = 1;
    private int depth;
    private int lineIndent;
    private boolean atLineStart = true;
    private final List<Token> out = new ArrayList<>();

    private PyLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        PyLexer l = new PyLexer(src);
        l.run();
        return l.out;
    }

    private void run() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (atLineStart && depth == 0) {
                int col = 0;
                while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
                    col += src.charAt(pos) == '\t' ? 8 - col % 8 : 1;
                    pos++;
                }
                if (pos >= src.length()) {
                    break;
                }
                c = src.charAt(pos);
                if (c == '\n' || c == '#' || c == '\r') {
                    skipToLineEnd();
                    continue; // blank or comment-only line
                }
                lineIndent = col;
                atLineStart = false;
            }
            if (c == '\n') {
                newline();
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '#') {
                skipToLineEnd();
            } else if (c == '\\' && pos + 1 < src.length() && (src.charAt(pos + 1) == '\n'
                    || src.charAt(pos + 1) == '\r')) {
                pos++;
                if (src.charAt(pos) == '\r') {
                    pos++;
                }
                if (pos < src.length() && src.charAt(pos) == '\n') {
                    pos++;
                }
                line++;
            } else if (Character.isJavaIdentifierStart(c) && c != '$') {
                int start = pos;
                while (pos < src.length() && Character.isJavaIdentifierPart(src.charAt(pos)) && src.charAt(pos) != '$') {
                    pos++;
                }
                String word = src.substring(start, pos);
                if (pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"')
                        && word.length() <= 2 && word.toLowerCase().matches("[rbuf]+")) {
                    string(word.toLowerCase());
                } else {
                    add(Kind.NAME, word, null);
                }
            } else if (Character.isDigit(c) || c == '.' && pos + 1 < src.length()
                    && Character.isDigit(src.charAt(pos + 1))) {
                number();
            } else if (c == '\'' || c == '"') {
                string("");
            } else {
                operator();
            }
        }
        if (!atLineStart) {
            add(Kind.NEWLINE, "", null);
        }
        add(Kind.END, "", null);
    }

    private void skipToLineEnd() {
        while (pos < src.length() && src.charAt(pos) != '\n') {
            pos++;
        }
        if (pos < src.length()) {
            pos++;
            line++;
        }
        if (depth == 0 && !atLineStart) {
            add(Kind.NEWLINE, "", null);
            atLineStart = true;
        }
    }

    private void newline() {
        pos++;
        if (depth == 0 && !atLineStart) {
            add(Kind.NEWLINE, "", null);
            atLineStart = true;
        }
        line++;
    }

    private void add(Kind kind, String text, String bad) {
        out.add(new Token(kind, text, line, lineIndent, bad));
    }

    private void number() {
        int start = pos;
        if (src.startsWith("0x", pos) || src.startsWith("0X", pos) || src.startsWith("0o", pos)
                || src.startsWith("0b", pos)) {
            pos += 2;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
            add(Kind.INT, src.substring(start, pos).replace("_", ""), null);
            return;
        }
        boolean isFloat = false;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        if (pos < src.length() && src.charAt(pos) == '.') {
            isFloat = true;
            pos++;
            while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        String text = src.substring(start, pos).replace("_", "");
        String bad = null;
        if (pos < src.length() && (src.charAt(pos) == 'j' || src.charAt(pos) == 'J')) {
            pos++;
            bad = "complex numbers are outside the literal subset";
        }
        add(isFloat ? Kind.FLOAT : Kind.INT, text, bad);
    }

    private void string(String prefix) {
        int startLine = line;
        char q = src.charAt(pos);
        boolean triple = src.startsWith("" + q + q + q, pos);
        pos += triple ? 3 : 1;
        boolean raw = prefix.contains("r");
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw new LexError(startLine, "unterminated string");
            }
            char c = src.charAt(pos);
            if (triple ? src.startsWith("" + q + q + q, pos) : c == q) {
                pos += triple ? 3 : 1;
                break;
            }
            if (c == '\n') {
                if (!triple) {
                    throw new LexError(startLine, "unterminated string");
                }
                line++;
            }
            if (c == '\\' && pos + 1 < src.length()) {
                char n = src.charAt(pos + 1);
                if (raw) {
                    b.append(c).append(n);
                    pos += 2;
                    if (n == '\n') {
                        line++;
                    }
                    continue;
                }
                pos += 2;
                switch (n) {
                    case '\n' -> line++;
                    case '\\' -> b.append('\\');
                    case '\'' -> b.append('\'');
                    case '"' -> b.append('"');
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case '0' -> b.append('\0');
                    case 'a' -> b.append('\u0007');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'v' -> b.append('\u000b');
                    case 'x' -> b.append(hex(2, startLine));
                    case 'u' -> b.append(hex(4, startLine));
                    case 'U' -> b.appendCodePoint(Integer.parseInt(new String(hex(8, startLine)), 16));
                    default -> b.append('\\').append(n); // Python keeps unknown escapes such as \. as written
                }
                continue;
            }
            b.append(c);
            pos++;
        }
        String bad = prefix.contains("b") ? "bytes literals have no HOCON counterpart" : null;
        // An f-string keeps its text with the {fields}; the parser evaluates them.
        out.add(new Token(prefix.contains("f") ? Kind.FSTRING : Kind.STRING, b.toString(), startLine, lineIndent,
                bad));
    }

    private char[] hex(int n, int startLine) {
        if (pos + n > src.length()) {
            throw new LexError(startLine, "truncated \\x/\\u escape");
        }
        String h = src.substring(pos, pos + n);
        pos += n;
        try {
            return n == 8 ? h.toCharArray() : new char[] {(char) Integer.parseInt(h, 16)};
        } catch (NumberFormatException e) {
            throw new LexError(startLine, "bad escape \\" + h);
        }
    }

    private void operator() {
        for (String op : OPS) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                if (op.equals("(") || op.equals("[") || op.equals("{")) {
                    depth++;
                } else if (op.equals(")") || op.equals("]") || op.equals("}")) {
                    depth = Math.max(0, depth - 1);
                }
                add(Kind.OP, op, null);
                return;
            }
        }
        throw new LexError(line, "unexpected character '" + src.charAt(pos) + "'");
    }
}
