package iern.data.labels;

import iern.data.DataException;
import iern.data.DataFiles;
import iern.data.Printable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a pickled {@code dict} of {@code str -> str} (the authors' {@code emotion_labels.pkl}) and nothing else.
 *
 * <p>A pickle is a program for a small stack machine, and the general machine can import and call anything;
 * this reader implements only the opcodes that building a dict of strings needs (protocols 0 to 5) and refuses
 * every other opcode by name before acting on it, so no code or object construction can ever be triggered.
 *
 * <p>Memory stays proportional to the file: the file is capped ({@link DataFiles#maxBytes()}), only one dict may
 * be built, and a memo index may not exceed the number of objects built so far (Python numbers its memo entries
 * in order), so every object and memo slot is paid for by at least one byte of input.
 */
public final class SafeUnpickler {
    private static final Object MARK = new Object();

    private final Path file;
    private final byte[] data;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Object> memo = new ArrayList<>(); // index -> object; null where never stored
    private int objects; // strings and dicts built so far
    private boolean dictBuilt;

    private SafeUnpickler(Path file, byte[] data) {
        this.file = file;
        this.data = data;
    }

    public static Map<String, String> readStringDict(Path file) {
        return parse(file, DataFiles.read(file, "label file"));
    }

    public static Map<String, String> parse(Path file, byte[] bytes) {
        return new SafeUnpickler(file, bytes).run();
    }

    private Map<String, String> run() {
        while (true) {
            if (pos >= data.length) throw error(pos, "pickle ends without STOP; the file is truncated");
            int at = pos;
            int op = data[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) throw error(at, "pickle protocol " + proto + " is newer than the supported 0-5");
                }
                case 0x95 -> skip(8); // FRAME: a length hint for buffered reading; the data follows inline
                case '.' -> { // STOP
                    return finish(at);
                }
                case '(' -> stack.add(MARK);
                case '}' -> push(newDict(at));
                case 'd' -> { // DICT (protocol 0): the items since the mark become a new dict
                    List<Object> items = popToMark(at);
                    Map<String, String> dict = newDict(at);
                    putPairs(at, dict, items);
                    push(dict);
                }
                case 's' -> { // SETITEM
                    Object value = pop(at);
                    Object key = pop(at);
                    putPairs(at, dictOnTop(at), List.of(key, value));
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark(at);
                    putPairs(at, dictOnTop(at), items);
                }
                case 'X' -> push(utf8(u32(at)));                        // BINUNICODE
                case 0x8c -> push(utf8(u8()));                          // SHORT_BINUNICODE
                case 0x8d -> push(utf8(u64(at)));                       // BINUNICODE8
                case 'U' -> push(latin1(u8()));                         // SHORT_BINSTRING (Python 2 str)
                case 'T' -> push(latin1(u32(at)));                      // BINSTRING (Python 2 str)
                case 'V' -> push(rawUnicodeEscape(at + 1, line(at)));   // UNICODE (protocol 0)
                case 0x94 -> memoPut(at, memo.size());                  // MEMOIZE
                case 'q' -> memoPut(at, u8());                          // BINPUT
                case 'r' -> memoPut(at, u32(at));                       // LONG_BINPUT
                case 'p' -> memoPut(at, decimal(at, line(at)));         // PUT
                case 'h' -> stack.add(memoGet(at, u8()));               // BINGET
                case 'j' -> stack.add(memoGet(at, u32(at)));            // LONG_BINGET
                case 'g' -> stack.add(memoGet(at, decimal(at, line(at)))); // GET
                default -> throw error(at, "pickle opcode " + describe(op)
                        + " is not allowed; only a pickled dict of str -> str is accepted (nothing is executed)");
            }
        }
    }

    private Map<String, String> finish(int at) {
        if (stack.size() != 1) throw error(at, "pickle leaves " + stack.size() + " objects; expected one dict");
        Object result = stack.get(0);
        if (!(result instanceof Map<?, ?>)) throw error(at, "pickle holds a " + typeName(result) + "; expected a dict");
        @SuppressWarnings("unchecked")
        Map<String, String> map = (Map<String, String>) result;
        return map;
    }

    private void putPairs(int at, Map<String, String> dict, List<Object> items) {
        if (items.size() % 2 != 0) throw error(at, "odd number of items for a dict");
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            Object v = items.get(i + 1);
            if (!(k instanceof String key)) throw error(at, "dict key is a " + typeName(k) + "; expected str");
            if (!(v instanceof String value))
                throw error(at, "value of key " + Printable.quote(key) + " is a " + typeName(v) + "; expected str");
            dict.put(key, value);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> dictOnTop(int at) {
        Object top = top(at);
        if (!(top instanceof Map<?, ?>)) throw error(at, "SETITEM(S) on a " + typeName(top) + "; expected a dict");
        return (Map<String, String>) top;
    }

    private List<Object> popToMark(int at) {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) throw error(at, "no MARK on the stack");
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    private Object pop(int at) {
        if (stack.isEmpty() || stack.getLast() == MARK) throw error(at, "stack underflow");
        return stack.removeLast();
    }

    private Object top(int at) {
        if (stack.isEmpty() || stack.getLast() == MARK) throw error(at, "nothing to memoize or update");
        return stack.getLast();
    }

    private void push(Object o) {
        objects++;
        stack.add(o);
    }

    private Map<String, String> newDict(int at) {
        if (dictBuilt) throw error(at, "a second dict; expected a pickle of one dict of str -> str");
        dictBuilt = true;
        return new LinkedHashMap<>();
    }

    /** Python gives memo entries the indices 0, 1, 2...; a larger one than the objects built is not a pickle of ours. */
    private void memoPut(int at, long index) {
        Object top = top(at);
        if (index >= objects)
            throw error(at, "memo index " + index + " but only " + objects + " objects were built; expected an index"
                    + " below " + objects);
        while (memo.size() <= index) memo.add(null);
        memo.set((int) index, top);
    }

    private Object memoGet(int at, long index) {
        Object o = index < memo.size() ? memo.get((int) index) : null;
        if (o == null) throw error(at, "memo entry " + index + " was never stored");
        return o;
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xff;
    }

    private long u32(int at) {
        need(4);
        long v = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8 | (data[pos + 2] & 0xffL) << 16
                | (data[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    private long u64(int at) {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (data[pos + i] & 0xffL);
        pos += 8;
        if (v < 0) throw error(at, "length does not fit");
        return v;
    }

    private void skip(int n) {
        need(n);
        pos += n;
    }

    private void need(long n) {
        if (n > data.length - pos) throw error(pos, "pickle is truncated (needs " + n + " more bytes)");
    }

    private String utf8(long n) {
        need(n);
        String s = new String(data, pos, (int) n, StandardCharsets.UTF_8);
        pos += (int) n;
        return s;
    }

    private String latin1(long n) {
        need(n);
        String s = new String(data, pos, (int) n, StandardCharsets.ISO_8859_1);
        pos += (int) n;
        return s;
    }

    private String line(int at) {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') pos++;
        if (pos >= data.length) throw error(at, "argument line not terminated by a newline");
        String s = new String(data, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return s;
    }

    private long decimal(int at, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw error(at, Printable.quote(text) + " is not a memo index; expected a decimal number");
        }
    }

    /**
     * Python's raw-unicode-escape: latin-1 bytes, except {@code \\uXXXX} and {@code \\UXXXXXXXX}.
     *
     * @param start byte offset of the argument in the file (its characters are one byte each)
     */
    private String rawUnicodeEscape(int start, String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
                String hex = s.substring(i + 2, Math.min(s.length(), i + 2 + digits));
                int cp = hex.length() == digits && hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)
                        ? (int) Long.parseLong(hex, 16) : -1;
                if (cp < 0 || cp > Character.MAX_CODE_POINT)
                    throw error(start + i, "bad escape " + Printable.quote(s.substring(i, i + 2 + hex.length()))
                            + " in a UNICODE string; expected \\" + s.charAt(i + 1) + " and " + digits
                            + " hex digits" + (digits == 8 ? " up to 0010ffff" : ""));
                sb.appendCodePoint(cp);
                i += 1 + digits;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String typeName(Object o) {
        if (o == MARK) return "MARK";
        if (o instanceof String) return "str";
        if (o instanceof Map<?, ?>) return "dict";
        return o.getClass().getSimpleName();
    }

    private static String describe(int op) {
        String name = switch (op) {
            case 'c' -> "GLOBAL";
            case 0x93 -> "STACK_GLOBAL";
            case 'R' -> "REDUCE";
            case 'b' -> "BUILD";
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 'I' -> "INT";
            case 'J' -> "BININT";
            case 'K' -> "BININT1";
            case 'M' -> "BININT2";
            case 0x8a -> "LONG1";
            case 'G' -> "BINFLOAT";
            case 'N' -> "NONE";
            case 0x88 -> "NEWTRUE";
            case 0x89 -> "NEWFALSE";
            case ']' -> "EMPTY_LIST";
            case ')' -> "EMPTY_TUPLE";
            case 't' -> "TUPLE";
            case 'l' -> "LIST";
            case 'a' -> "APPEND";
            case 'e' -> "APPENDS";
            case 'S' -> "STRING";
            case 'B' -> "BINBYTES";
            case 'C' -> "SHORT_BINBYTES";
            case 'P' -> "PERSID";
            case 'Q' -> "BINPERSID";
            case 0x82, 0x83, 0x84 -> "EXT";
            default -> "?";
        };
        String printable = op >= 0x20 && op < 0x7f ? " '" + (char) op + "'" : "";
        return String.format("0x%02x%s (%s)", op, printable, name);
    }

    private DataException error(int at, String problem) {
        return new DataException(file, 0, "byte " + at + ": " + problem);
    }
}
