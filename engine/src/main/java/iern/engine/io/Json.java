package iern.engine.io;

import iern.engine.InvalidInput;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The program's one JSON codec (safetensors headers, checkpoint metadata, configurations,
 * metrics logs, results), on Jackson's streaming parser and generator.
 *
 * <p>Reading is strict RFC 8259 plus limits, so a hostile file costs little: objects become
 * insertion-ordered {@link LinkedHashMap}s (a duplicate key is refused), arrays {@link List}s,
 * integers that fit a long {@link Long}, every other number {@link Double}, then {@link String},
 * {@link Boolean} and {@code null}. Nothing may follow the value but whitespace. Nesting deeper
 * than {@value #MAX_DEPTH} levels, a document over {@value #MAX_DOCUMENT_CHARS} characters (the
 * safetensors header bound, so every header {@link SafeTensors} accepts fits), a string over
 * {@value #MAX_STRING_CHARS} characters and a number over {@value #MAX_NUMBER_CHARS} are refused.
 * Every error is an {@link IllegalArgumentException} that starts with the source name and says
 * the line, column and character offset.
 *
 * <p>Writing takes maps (keys written with {@link String#valueOf}), lists and other iterables,
 * {@code int[]}, {@code long[]}, {@code double[]}, strings, booleans, null and numbers. A
 * {@link Float} is written through its own decimal form (0.1f as {@code 0.1}, which reads back
 * to the same float), a {@link Double} as {@link Double#toString}. {@link #write} is compact,
 * {@link #pretty} indents by two and keeps arrays of scalars on one line.
 *
 * <p>Non-finite numbers, one policy both ways: JSON has no NaN or infinity, so writing puts
 * {@code null} in their place (a metrics log of a diverged run stays valid JSON, line by line),
 * and reading never yields one: the tokens {@code NaN} and {@code Infinity} are refused like any
 * other non-JSON, and so is a number beyond the range of a double. Readers take {@code null}
 * where a number may be missing as "no value" (NaN for a metric); configuration readers refuse it.
 */
public final class Json {
    private Json() {}

    /** Deep enough for anything we write, shallow enough that no file can exhaust the stack. */
    public static final int MAX_DEPTH = 64;
    /** Equal to {@link SafeTensors#MAX_HEADER_BYTES}: a UTF-8 header has at most that many characters. */
    public static final int MAX_DOCUMENT_CHARS = 100 << 20;
    public static final int MAX_STRING_CHARS = 4 << 20;
    public static final int MAX_NUMBER_CHARS = 100;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxDocumentLength(MAX_DOCUMENT_CHARS)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .build())
            .build();

    // ------------------------------------------------------------------ reading

    /** Parses one JSON value; {@code source} (a file, "... metadata") starts every error message. */
    public static Object parse(String text, String source) {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw new InvalidInput(source + ": JSON text of " + text.length()
                    + " characters is longer than the limit of " + MAX_DOCUMENT_CHARS);
        }
        JsonParser p;
        try {
            p = FACTORY.createParser(text);
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
        try {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw error(source, p.currentLocation(), "expected a value, found end of input");
            }
            Object value = read(p, first, source);
            JsonLocation end = p.currentLocation();
            boolean more;
            try {
                more = p.nextToken() != null;
            } catch (JsonProcessingException e) {
                more = true;
            }
            if (more) {
                throw error(source, end, "unexpected text after the JSON value");
            }
            return value;
        } catch (JsonProcessingException e) {
            // Jackson leaves out the location of a broken limit; the parser still knows it here.
            JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
            boolean deep = e instanceof StreamConstraintsException && e.getOriginalMessage().contains("nesting depth");
            throw error(source, at, deep ? "nesting too deep: arrays and objects nested deeper than " + MAX_DEPTH
                    + " levels" : tidy(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        } finally {
            try {
                p.close();
            } catch (IOException ignored) {
                // nothing to release: the input is a String
            }
        }
    }

    /** {@link #parse} for a text that must hold an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        if (parse(text, source) instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new InvalidInput(source + ": expected a JSON object at the top level");
    }

    private static Object read(JsonParser p, JsonToken t, String source) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String key = p.currentName();
                    if (m.containsKey(key)) {
                        throw error(source, p.currentTokenLocation(), "duplicate key \"" + printable(key) + "\"");
                    }
                    m.put(key, read(p, p.nextToken(), source));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    list.add(read(p, v, source));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? finite(p, source) : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> finite(p, source);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw error(source, p.currentTokenLocation(), "unexpected " + t);
        };
    }

    private static Double finite(JsonParser p, String source) throws IOException {
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            throw error(source, p.currentTokenLocation(), "number " + p.getText() + " is beyond the range of a double");
        }
        return d;
    }

    private static InvalidInput error(String source, JsonLocation at, String what) {
        String where = at == null || at.getLineNr() < 0 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + (at.getCharOffset() >= 0 ? " (character " + at.getCharOffset() + ")" : "");
        return new InvalidInput(source + ": bad JSON" + where + ": " + what);
    }

    /**
     * Jackson's message in the voice of the rest: lower case after a colon, its own location
     * notes ("start marker at [Source: ...]") shortened to a line and column, its pointers to
     * its own settings dropped, control characters made visible (a message may quote the
     * offending input, and may reach a terminal).
     */
    private static String tidy(String message) {
        String s = message
                .replaceAll("\\(start marker at \\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]\\)",
                        "(opened at line $1, column $2)")
                .replaceAll(", from `[^`]*`", "")
                .replaceAll(": enable `[^`]*` to allow", "")
                .replaceAll("end-of-input(?=\\p{Alpha})", "end-of-input: ");
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean clauseStart = i == 0 || (i >= 2 && s.charAt(i - 2) == ':' && s.charAt(i - 1) == ' ');
            boolean word = i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1));
            out.append(clauseStart && word ? Character.toLowerCase(c) : c);
        }
        return printable(out.toString());
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ writing

    /** Compact JSON: no whitespace at all. */
    public static String write(Object value) {
        return write(value, false);
    }

    /** Indented by two, arrays of scalars on one line, a newline at the end: for files people read. */
    public static String pretty(Object value) {
        return write(value, true) + "\n";
    }

    private static String write(Object value, boolean pretty) {
        StringWriter text = new StringWriter();
        Layout layout = new Layout();
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            if (pretty) {
                g.setPrettyPrinter(layout);
            }
            write(g, layout, value);
        } catch (IOException e) { // a StringWriter does not fail; Jackson's own limits (nesting 1000) can
            throw new IllegalArgumentException("JSON: cannot write: " + e.getMessage(), e);
        }
        return text.toString();
    }

    private static void write(JsonGenerator g, Layout layout, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Float f -> {
                if (Float.isFinite(f)) {
                    g.writeNumber(f);
                } else {
                    g.writeNull();
                }
            }
            case Double d -> {
                if (Double.isFinite(d)) {
                    g.writeNumber(d);
                } else {
                    g.writeNull();
                }
            }
            case Long n -> g.writeNumber(n);
            case Integer n -> g.writeNumber(n);
            case Short n -> g.writeNumber(n);
            case Byte n -> g.writeNumber(n);
            case BigInteger n -> g.writeNumber(n);
            case BigDecimal n -> g.writeNumber(n);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, layout, e.getValue());
                }
                g.writeEndObject();
            }
            case Iterable<?> items -> {
                boolean scalars = true;
                for (Object o : items) {
                    scalars &= !(o instanceof Map<?, ?> || o instanceof Iterable<?>
                            || (o != null && o.getClass().isArray()));
                }
                layout.nextArrayOnOneLine(scalars);
                g.writeStartArray();
                for (Object o : items) {
                    write(g, layout, o);
                }
                g.writeEndArray();
            }
            case int[] a -> {
                layout.nextArrayOnOneLine(true);
                g.writeArray(a, 0, a.length);
            }
            case long[] a -> {
                layout.nextArrayOnOneLine(true);
                g.writeArray(a, 0, a.length);
            }
            case double[] a -> {
                layout.nextArrayOnOneLine(true);
                g.writeStartArray();
                for (double d : a) {
                    write(g, layout, d);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException("JSON: cannot write a " + v.getClass().getName());
        }
    }

    /**
     * The pretty form: an object's entries one per line as {@code "key": value}; an array of
     * scalars on one line as {@code [1, 2]}, any other array one element per line.
     */
    private static final class Layout implements PrettyPrinter {
        private final Deque<Boolean> oneLine = new ArrayDeque<>();
        private boolean nextOneLine;
        private int depth;

        /** Called before each array starts: whether it goes on one line. */
        void nextArrayOnOneLine(boolean yes) {
            nextOneLine = yes;
        }

        private void newline(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
            g.writeRaw(" ".repeat(2 * depth));
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) {}

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            depth++;
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            depth--;
            if (entries > 0) {
                newline(g);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            oneLine.push(nextOneLine);
            g.writeRaw('[');
            depth++;
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (!oneLine.peek()) {
                newline(g);
            }
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            if (oneLine.peek()) {
                g.writeRaw(", ");
            } else {
                g.writeRaw(',');
                newline(g);
            }
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            depth--;
            if (!oneLine.pop() && values > 0) {
                newline(g);
            }
            g.writeRaw(']');
        }
    }
}
