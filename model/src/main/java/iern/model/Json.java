package iern.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset checkpoints, metrics logs and reports need: objects (kept in insertion
 * order), arrays, strings, numbers, booleans and null. Numbers parse to {@link Double} unless
 * they are integral and fit a long. Parse errors name the offset and what was expected.
 */
public final class Json {
    private Json() {}

    // ------------------------------------------------------------------ writing

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, -1, 0);
        return out.toString();
    }

    /** Indented form for files people read. */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 2, 0);
        return out.append('\n').toString();
    }

    private static void write(Object v, StringBuilder out, int indent, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            quote(s, out);
        } else if (v instanceof Boolean b) {
            out.append(b);
        } else if (v instanceof Double d) {
            number(d, out);
        } else if (v instanceof Float f) {
            // Through the float's own decimal form, so 0.1f is written 0.1 and reads back exactly.
            if (f.isNaN() || f.isInfinite()) {
                out.append("null");
            } else {
                out.append(Float.toString(f));
            }
        } else if (v instanceof Number n) {
            out.append(n.longValue());
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (i++ > 0) {
                    out.append(',');
                }
                newline(out, indent, depth + 1);
                quote(String.valueOf(e.getKey()), out);
                out.append(indent >= 0 ? ": " : ":");
                write(e.getValue(), out, indent, depth + 1);
            }
            if (!m.isEmpty()) {
                newline(out, indent, depth);
            }
            out.append('}');
        } else if (v instanceof Iterable<?> list) {
            out.append('[');
            int i = 0;
            boolean flat = isFlat(list);
            for (Object item : list) {
                if (i++ > 0) {
                    out.append(flat && indent >= 0 ? ", " : ",");
                }
                if (!flat) {
                    newline(out, indent, depth + 1);
                }
                write(item, out, indent, depth + 1);
            }
            if (i > 0 && !flat) {
                newline(out, indent, depth);
            }
            out.append(']');
        } else if (v instanceof double[] a) {
            List<Object> boxed = new ArrayList<>();
            for (double d : a) {
                boxed.add(d);
            }
            write(boxed, out, indent, depth);
        } else if (v instanceof int[] a) {
            List<Object> boxed = new ArrayList<>();
            for (int d : a) {
                boxed.add(d);
            }
            write(boxed, out, indent, depth);
        } else {
            throw new IllegalArgumentException("JSON: cannot write " + v.getClass().getName());
        }
    }

    private static boolean isFlat(Iterable<?> list) {
        for (Object o : list) {
            if (o instanceof Map<?, ?> || o instanceof Iterable<?>) {
                return false;
            }
        }
        return true;
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n');
            out.append(" ".repeat(indent * depth));
        }
    }

    private static void number(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else {
            out.append(d);
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    // ------------------------------------------------------------------ reading

    /** Parses one JSON value; {@code source} names the text in error messages (e.g. a file). */
    public static Object parse(String text, String source) {
        Parser p = new Parser(text, source);
        p.skipSpace();
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("end of input");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        Object v = parse(text, source);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + ": expected a JSON object at the top level");
        }
        return (Map<String, Object>) v;
    }

    /** Deeper nesting than any file of ours needs is refused before it can exhaust the stack. */
    static final int MAX_DEPTH = 64;

    private static String printable(char c) {
        return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static final class Parser {
        final String s;
        final String source;
        int pos;
        int depth;

        Parser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        IllegalArgumentException error(String expected) {
            int line = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                }
            }
            String found = pos < s.length() ? printable(s.charAt(pos)) : "end of input";
            return new IllegalArgumentException(source + ": line " + line + " (offset " + pos + "): expected "
                    + expected + ", found " + found);
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object value() {
            if (pos >= s.length()) {
                throw error("a value");
            }
            char c = s.charAt(pos);
            if ((c == '{' || c == '[') && ++depth > MAX_DEPTH) {
                throw new IllegalArgumentException(source + ": offset " + pos + ": JSON nested deeper than "
                        + MAX_DEPTH + " levels");
            }
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("a value");
                }
            };
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw error("'" + word + "'");
            }
            pos += word.length();
            return v;
        }

        Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                depth--;
                return m;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("a quoted key");
                }
                String key = string();
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    throw error("':'");
                }
                pos++;
                skipSpace();
                m.put(key, value());
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                } else if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    depth--;
                    return m;
                } else {
                    throw error("',' or '}'");
                }
            }
        }

        List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                depth--;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                } else if (pos < s.length() && s.charAt(pos) == ']') {
                    pos++;
                    depth--;
                    return list;
                } else {
                    throw error("',' or ']'");
                }
            }
        }

        String string() {
            StringBuilder b = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= s.length()) {
                    throw error("closing '\"'");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("an escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("four hex digits");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("four hex digits");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("a valid escape");
                    }
                }
            }
        }

        Object number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            boolean integral = true;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, pos);
            try {
                if (integral) {
                    return Long.parseLong(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException ex) {
                pos = start;
                throw error("a number");
            }
        }
    }
}
