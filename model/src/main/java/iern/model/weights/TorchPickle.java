package iern.model.weights;

import iern.engine.InvalidInput;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code data.pkl} of a PyTorch {@code .pth} zip as a state dict, and nothing else.
 *
 * <p>A pickle is a program for a stack machine that may import and call anything; {@code torch.save}
 * of a state dict uses a small part of it (protocol 2): an {@code collections.OrderedDict} built
 * with {@code SETITEMS}, one {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
 * requires_grad, hooks)} call per tensor, storages referred to by persistent id
 * ({@code ('storage', torch.FloatStorage, key, location, numel)}, resolved to the zip entry
 * {@code data/<key>}), and the state dict's {@code _metadata} attribute set with {@code BUILD}.
 * This reader implements exactly that: every global is checked against a short list when it is
 * named ({@code GLOBAL}), so {@code os.system} or {@code builtins.eval} is refused by name before
 * anything else happens; calls ({@code REDUCE}) reach only the three functions above, which are
 * interpreted here, never looked up or run. Other opcodes are refused by name.
 *
 * <p>Bounds: the pickle's size (the caller's), a memo index no larger than the memo, containers
 * nested at most {@link #MAX_DEPTH} deep, integers that fit in 64 bits, at most
 * {@link #MAX_TENSORS} entries. Shapes, offsets and strides are checked against the storages by
 * {@link TorchZip}, which knows their sizes.
 */
final class TorchPickle {
    static final int MAX_DEPTH = 32;
    static final int MAX_TENSORS = 100_000;
    private static final int MAX_RANK = 8;

    /** Storage classes of {@code torch}, with their element type and size in bytes. */
    enum StorageType {
        FLOAT("FloatStorage", "float32", 4), DOUBLE("DoubleStorage", "float64", 8), HALF("HalfStorage", "float16", 2),
        BFLOAT16("BFloat16Storage", "bfloat16", 2), LONG("LongStorage", "int64", 8), INT("IntStorage", "int32", 4),
        SHORT("ShortStorage", "int16", 2), CHAR("CharStorage", "int8", 1), BYTE("ByteStorage", "uint8", 1),
        BOOL("BoolStorage", "bool", 1), COMPLEX_FLOAT("ComplexFloatStorage", "complex64", 8),
        COMPLEX_DOUBLE("ComplexDoubleStorage", "complex128", 16), QINT8("QInt8Storage", "qint8", 1),
        QUINT8("QUInt8Storage", "quint8", 1), QINT32("QInt32Storage", "qint32", 4),
        QUINT4X2("QUInt4x2Storage", "quint4x2", 1), QUINT2X4("QUInt2x4Storage", "quint2x4", 1);

        final String className;
        final String dtype;
        final int bytes;

        StorageType(String className, String dtype, int bytes) {
            this.className = className;
            this.dtype = dtype;
            this.bytes = bytes;
        }

        /** Float types become float32; int64 is read for batch norm's {@code num_batches_tracked}. */
        boolean readable() {
            return this == FLOAT || this == DOUBLE || this == HALF || this == BFLOAT16 || this == LONG;
        }

        static StorageType named(String className) {
            for (StorageType t : values()) {
                if (t.className.equals(className)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** A storage as the pickle refers to it: {@code data/<key>} of the zip, {@code numel} elements of its type. */
    record StorageRef(StorageType type, String key, String location, long numel) {}

    /** A tensor as the pickle describes it: a view of a storage. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /** What the pickle's allowed globals stand for. */
    private enum Callable { ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER }

    private record Global(String name, Callable callable, StorageType storage) {}

    private record Tuple(List<Object> items) {}

    /** Python's None. */
    private enum None { NONE }

    private static final Object MARK = new Object();

    private final String where;
    private final byte[] data;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final List<Object> memo = new ArrayList<>();
    private final IdentityHashMap<Object, Integer> depth = new IdentityHashMap<>();
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    private TorchPickle(String where, byte[] data) {
        this.where = where;
        this.data = data;
    }

    /**
     * The state dict the pickle holds, in its order: names to tensor views.
     *
     * @param where names the pickle in messages, e.g. {@code "resnet18.pth: entry resnet18/data.pkl"}
     */
    static Map<String, TensorRef> stateDict(String where, byte[] pickle) {
        return new TorchPickle(where, pickle).run();
    }

    private Map<String, TensorRef> run() {
        while (true) {
            if (pos >= data.length) {
                throw error(pos, "the pickle ends without STOP: truncated");
            }
            int at = pos;
            int op = data[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto < 2 || proto > 5) {
                        throw error(at, "pickle protocol " + proto + "; torch.save writes protocol 2");
                    }
                }
                case 0x95 -> skip(8);                                   // FRAME: a length hint; the data follows inline
                case '.' -> { return finish(at); }                      // STOP
                case '(' -> { marks.add(stack.size()); stack.add(MARK); } // MARK
                case '}' -> push(new LinkedHashMap<Object, Object>());  // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>());              // EMPTY_LIST
                case ')' -> push(new Tuple(List.of()));                 // EMPTY_TUPLE
                case 't' -> push(tuple(at, popToMark(at)));             // TUPLE
                case 0x85 -> push(tuple(at, pop(at, 1)));               // TUPLE1
                case 0x86 -> push(tuple(at, pop(at, 2)));               // TUPLE2
                case 0x87 -> push(tuple(at, pop(at, 3)));               // TUPLE3
                case 'a' -> append(at, pop(at, 1));                     // APPEND
                case 'e' -> append(at, popToMark(at));                  // APPENDS
                case 's' -> setItems(at, pop(at, 2));                   // SETITEM
                case 'u' -> setItems(at, popToMark(at));                // SETITEMS
                case 'X' -> push(utf8(at, u32()));                      // BINUNICODE
                case 0x8c -> push(utf8(at, u8()));                      // SHORT_BINUNICODE
                case 'J' -> push((long) s32());                         // BININT
                case 'K' -> push((long) u8());                          // BININT1
                case 'M' -> push((long) u16());                         // BININT2
                case 0x8a -> push(long1(at));                           // LONG1
                case 'G' -> push(Double.longBitsToDouble(be64()));      // BINFLOAT
                case 'N' -> push(None.NONE);                            // NONE
                case 0x88 -> push(Boolean.TRUE);                        // NEWTRUE
                case 0x89 -> push(Boolean.FALSE);                       // NEWFALSE
                case 'q' -> memoPut(at, u8());                          // BINPUT
                case 'r' -> memoPut(at, u32());                         // LONG_BINPUT
                case 0x94 -> memoPut(at, memo.size());                  // MEMOIZE
                case 'h' -> stack.add(memoGet(at, u8()));               // BINGET
                case 'j' -> stack.add(memoGet(at, u32()));              // LONG_BINGET
                case 'c' -> push(global(at, line(at), line(at)));       // GLOBAL
                case 0x93 -> {                                          // STACK_GLOBAL
                    List<Object> names = pop(at, 2);
                    if (!(names.get(0) instanceof String module) || !(names.get(1) instanceof String name)) {
                        throw error(at, "STACK_GLOBAL needs two strings");
                    }
                    push(global(at, module, name));
                }
                case 'Q' -> push(persistent(at, pop(at, 1).getFirst())); // BINPERSID
                case 'R' -> {                                           // REDUCE
                    List<Object> fa = pop(at, 2);
                    push(call(at, fa.get(0), fa.get(1)));
                }
                case 'b' -> build(at, pop(at, 1).getFirst());           // BUILD
                default -> throw error(at, "pickle opcode " + describe(op) + " is not allowed in a weights file"
                        + " (a state dict does not need it; nothing was executed)");
            }
        }
    }

    // ---------------------------------------------------------------- what the opcodes build

    private Object global(int at, String module, String name) {
        String full = module + "." + name;
        switch (full) {
            case "collections.OrderedDict" -> { return new Global(full, Callable.ORDERED_DICT, null); }
            case "torch._utils._rebuild_tensor_v2" -> { return new Global(full, Callable.REBUILD_TENSOR, null); }
            case "torch._utils._rebuild_parameter" -> { return new Global(full, Callable.REBUILD_PARAMETER, null); }
            default -> { }
        }
        StorageType type = module.equals("torch") ? StorageType.named(name) : null;
        if (type != null) {
            return new Global(full, null, type);
        }
        throw error(at, shown(full) + " is not allowed in a weights file (a state dict names only"
                + " collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter"
                + " and torch storage types; nothing was executed)");
    }

    /** BINPERSID: {@code ('storage', torch.XStorage, key, location, numel)}, torch's reference to {@code data/<key>}. */
    private StorageRef persistent(int at, Object pid) {
        if (!(pid instanceof Tuple(List<Object> t)) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw error(at, "persistent id " + typeName(pid) + " is not ('storage', type, key, location, numel)");
        }
        if (!(t.get(1) instanceof Global g) || g.storage == null) {
            throw error(at, "persistent id names " + typeName(t.get(1)) + " where a torch storage type belongs");
        }
        if (!(t.get(2) instanceof String key) || key.isEmpty() || key.length() > 64 || !key.matches("[A-Za-z0-9_]+")) {
            throw error(at, "storage key " + (t.get(2) instanceof String s ? printable(s) : typeName(t.get(2)))
                    + " is not a plain record name");
        }
        if (!(t.get(3) instanceof String location)) {
            throw error(at, "storage " + key + ": location is a " + typeName(t.get(3)) + ", expected a string");
        }
        if (!(t.get(4) instanceof Long numel) || numel < 0) {
            throw error(at, "storage " + key + ": element count " + describeValue(t.get(4)) + " is not a count");
        }
        StorageRef ref = new StorageRef(g.storage, key, location, numel);
        StorageRef seen = storages.putIfAbsent(key, ref);
        if (seen != null && (seen.type != ref.type || seen.numel != ref.numel)) {
            throw error(at, "storage " + key + " is described twice, differently (" + seen.type.dtype + " x "
                    + seen.numel + ", then " + ref.type.dtype + " x " + ref.numel + ")");
        }
        return seen != null ? seen : ref;
    }

    private Object call(int at, Object f, Object argsObj) {
        if (!(f instanceof Global g)) {
            throw error(at, "REDUCE calls a " + typeName(f) + "; only the allowed globals can be called");
        }
        if (g.callable == null) {
            throw error(at, g.name + " is not called in a state dict (it names a storage type)");
        }
        if (!(argsObj instanceof Tuple(List<Object> args))) {
            throw error(at, g.name + " called with a " + typeName(argsObj) + " instead of an argument tuple");
        }
        return switch (g.callable) {
            case ORDERED_DICT -> {
                if (!args.isEmpty()) {
                    throw error(at, "collections.OrderedDict is called with arguments; torch.save fills it with SETITEMS");
                }
                yield new LinkedHashMap<Object, Object>();
            }
            case REBUILD_TENSOR -> rebuildTensor(at, args);
            case REBUILD_PARAMETER -> {
                // _rebuild_parameter(data, requires_grad, backward_hooks): a tensor marked trainable
                if (args.size() != 3 || !(args.get(0) instanceof TensorRef t) || !(args.get(1) instanceof Boolean)) {
                    throw error(at, "torch._utils._rebuild_parameter expects (tensor, requires_grad, hooks)");
                }
                noHooks(at, args.get(2));
                yield t;
            }
        };
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private TensorRef rebuildTensor(int at, List<Object> args) {
        String fn = "torch._utils._rebuild_tensor_v2";
        if (args.size() != 6 && args.size() != 7) {
            throw error(at, fn + " with " + args.size() + " arguments; expected (storage, offset, size, stride,"
                    + " requires_grad, hooks[, metadata])");
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw error(at, fn + ": first argument is a " + typeName(args.get(0)) + ", expected a storage reference");
        }
        if (!(args.get(1) instanceof Long offset)) {
            throw error(at, fn + ": storage offset is a " + typeName(args.get(1)) + ", expected an integer");
        }
        long[] size = longs(at, args.get(2), fn + ": size");
        long[] stride = longs(at, args.get(3), fn + ": stride");
        if (size.length != stride.length) {
            throw error(at, fn + ": size has " + size.length + " dimensions but stride " + stride.length);
        }
        if (!(args.get(4) instanceof Boolean)) {
            throw error(at, fn + ": requires_grad is a " + typeName(args.get(4)) + ", expected a bool");
        }
        noHooks(at, args.get(5));
        if (args.size() == 7 && !(args.get(6) instanceof Map<?, ?>) && args.get(6) != None.NONE) {
            throw error(at, fn + ": metadata is a " + typeName(args.get(6)) + ", expected a dict");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    /** Backward hooks would be code to run: a state dict has an empty OrderedDict there. */
    private void noHooks(int at, Object hooks) {
        if (!(hooks instanceof Map<?, ?> m) || !m.isEmpty()) {
            throw error(at, "a tensor carries backward hooks (" + typeName(hooks) + "); a state dict has none");
        }
    }

    private long[] longs(int at, Object o, String what) {
        if (!(o instanceof Tuple(List<Object> items)) || items.size() > MAX_RANK) {
            throw error(at, what + " is a " + typeName(o) + ", expected a tuple of at most " + MAX_RANK + " integers");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long v)) {
                throw error(at, what + " holds a " + typeName(items.get(i)) + ", expected integers");
            }
            out[i] = v;
        }
        return out;
    }

    /** BUILD on the state dict sets its {@code _metadata} attribute (module versions): accepted and not used. */
    private void build(int at, Object state) {
        Object target = top(at);
        if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?> attrs)) {
            throw error(at, "BUILD of a " + typeName(target) + " with a " + typeName(state)
                    + "; a state dict only sets attributes of its OrderedDict");
        }
        for (Object k : attrs.keySet()) {
            if (!(k instanceof String)) {
                throw error(at, "BUILD sets an attribute named by a " + typeName(k));
            }
        }
    }

    private Tuple tuple(int at, List<Object> items) {
        Tuple t = new Tuple(Collections.unmodifiableList(items));
        int d = 0;
        for (Object o : items) {
            d = Math.max(d, depthOf(o));
        }
        setDepth(at, t, d + 1);
        return t;
    }

    @SuppressWarnings("unchecked")
    private void append(int at, List<Object> items) {
        Object target = top(at);
        if (!(target instanceof List<?>)) {
            throw error(at, "APPEND(S) to a " + typeName(target) + "; expected a list");
        }
        for (Object o : items) {
            nest(at, target, o);
            ((List<Object>) target).add(o);
        }
    }

    @SuppressWarnings("unchecked")
    private void setItems(int at, List<Object> items) {
        Object target = top(at);
        if (!(target instanceof Map<?, ?>)) {
            throw error(at, "SETITEM(S) on a " + typeName(target) + "; expected a dict");
        }
        if (items.size() % 2 != 0) {
            throw error(at, "SETITEMS with an odd number of items");
        }
        Map<Object, Object> map = (Map<Object, Object>) target;
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            if (!(k instanceof String) && !(k instanceof Long)) {
                throw error(at, "a dict key is a " + typeName(k) + "; a state dict's keys are strings");
            }
            nest(at, target, items.get(i + 1));
            map.put(k, items.get(i + 1));
            if (map.size() > MAX_TENSORS) {
                throw error(at, "a dict of more than " + MAX_TENSORS + " entries");
            }
        }
    }

    /** Puts {@code item} inside {@code container}: no container inside itself, and no deeper than MAX_DEPTH. */
    private void nest(int at, Object container, Object item) {
        if (item == container) {
            throw error(at, "a " + typeName(container) + " placed inside itself");
        }
        setDepth(at, container, Math.max(depthOf(container), depthOf(item) + 1));
    }

    private int depthOf(Object o) {
        Integer d = depth.get(o);
        return d == null ? 0 : d;
    }

    private void setDepth(int at, Object o, int d) {
        if (d > MAX_DEPTH) {
            throw error(at, "containers nested deeper than " + MAX_DEPTH + " levels; a state dict needs 3");
        }
        depth.put(o, d);
    }

    private Map<String, TensorRef> finish(int at) {
        if (stack.size() != 1 || !marks.isEmpty()) {
            throw error(at, "the pickle leaves " + stack.size() + " objects on its stack; expected one state dict");
        }
        if (!(stack.getFirst() instanceof Map<?, ?> dict)) {
            throw error(at, "the pickle holds a " + typeName(stack.getFirst()) + ", not a state dict"
                    + " (save model.state_dict(), not the model)");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw error(at, "the state dict has a key that is a " + typeName(e.getKey()) + ", not a name");
            }
            if (!(e.getValue() instanceof TensorRef t)) {
                throw error(at, "state dict entry " + printable(name) + " is a " + typeName(e.getValue())
                        + ", not a tensor");
            }
            out.put(name, t);
        }
        return out;
    }

    // ---------------------------------------------------------------- the machine

    private void push(Object o) {
        stack.add(o);
    }

    private Object top(int at) {
        if (stack.isEmpty() || stack.getLast() == MARK) {
            throw error(at, "stack underflow");
        }
        return stack.getLast();
    }

    /** The top {@code n} objects, oldest first, none of them a MARK. */
    private List<Object> pop(int at, int n) {
        int from = stack.size() - n;
        int lastMark = marks.isEmpty() ? -1 : marks.getLast();
        if (from < 0 || from <= lastMark) {
            throw error(at, "stack underflow");
        }
        List<Object> items = new ArrayList<>(stack.subList(from, stack.size()));
        stack.subList(from, stack.size()).clear();
        return items;
    }

    private List<Object> popToMark(int at) {
        if (marks.isEmpty()) {
            throw error(at, "no MARK on the stack");
        }
        int mark = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    /** Python numbers memo entries 0, 1, 2...; an index past the next one is not a pickle torch wrote. */
    private void memoPut(int at, long index) {
        Object top = top(at);
        if (index > memo.size()) {
            throw error(at, "memo index " + index + " skips past the " + memo.size() + " entries stored");
        }
        if (index == memo.size()) {
            memo.add(top);
        } else {
            memo.set((int) index, top);
        }
    }

    private Object memoGet(int at, long index) {
        if (index >= memo.size()) {
            throw error(at, "memo entry " + index + " was never stored");
        }
        return memo.get((int) index);
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xff;
    }

    private int u16() {
        need(2);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    private int s32() {
        need(4);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16 | data[pos + 3] << 24;
        pos += 4;
        return v;
    }

    private long u32() {
        return s32() & 0xffffffffL;
    }

    private long be64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (data[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    /** LONG1: a little-endian two's complement integer of n bytes; more than 8 do not fit a long. */
    private Long long1(int at) {
        int n = u8();
        if (n > 8) {
            throw error(at, "an integer of " + n + " bytes; the sizes of a state dict fit in 8");
        }
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (data[pos + i] & 0xffL);
        }
        if (n > 0 && n < 8 && (data[pos + n - 1] & 0x80) != 0) {
            v -= 1L << (8 * n); // sign
        }
        pos += n;
        return v;
    }

    private void skip(int n) {
        need(n);
        pos += n;
    }

    private void need(long n) {
        if (n > data.length - pos) {
            throw error(pos, "the pickle is truncated (" + n + " more bytes needed)");
        }
    }

    private String utf8(int at, long n) {
        need(n);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, pos, (int) n)).toString();
            pos += (int) n;
            return s;
        } catch (CharacterCodingException e) {
            throw error(at, "a string that is not valid UTF-8");
        }
    }

    /** GLOBAL's two newline-terminated arguments (ASCII identifiers in any real pickle). */
    private String line(int at) {
        int start = pos;
        while (pos < data.length && data[pos] != '\n' && pos - start < 256) {
            pos++;
        }
        if (pos >= data.length || data[pos] != '\n') {
            throw error(at, "GLOBAL's name is not a line of at most 256 bytes");
        }
        String s = new String(data, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return s;
    }

    // ---------------------------------------------------------------- messages

    private static String typeName(Object o) {
        if (o == MARK) return "MARK";
        if (o instanceof String) return "str";
        if (o instanceof Long) return "int";
        if (o instanceof Double) return "float";
        if (o instanceof Boolean) return "bool";
        if (o == None.NONE) return "None";
        if (o instanceof Tuple) return "tuple";
        if (o instanceof List<?>) return "list";
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof Global g) return g.name;
        if (o instanceof StorageRef) return "storage";
        if (o instanceof TensorRef) return "tensor";
        return o.getClass().getSimpleName();
    }

    private static String describeValue(Object o) {
        return o instanceof Long v ? Long.toString(v) : "(a " + typeName(o) + ")";
    }

    /** A name from the file as it is when it is plain printable text, else {@link #printable}. */
    static String shown(String name) {
        return name.length() <= 80 && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\'' && c != '\\')
                ? name : printable(name);
    }

    /** Text from the file, quoted, with anything outside printable ASCII escaped, and cut at 80 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.append(s.length() > 80 ? "'..." : "'").toString();
    }

    private static String describe(int op) {
        String name = switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 'P' -> "PERSID";
            case 0x82, 0x83, 0x84 -> "EXT";
            case 'I' -> "INT";
            case 'L' -> "LONG";
            case 0x8b -> "LONG4";
            case 'F' -> "FLOAT";
            case 'S' -> "STRING";
            case 'T' -> "BINSTRING";
            case 'U' -> "SHORT_BINSTRING";
            case 'V' -> "UNICODE";
            case 0x8d -> "BINUNICODE8";
            case 'B' -> "BINBYTES";
            case 'C' -> "SHORT_BINBYTES";
            case 0x8e -> "BINBYTES8";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            case 'd' -> "DICT";
            case 'l' -> "LIST";
            case 0x8f -> "EMPTY_SET";
            case 0x90 -> "ADDITEMS";
            case 0x91 -> "FROZENSET";
            case '0' -> "POP";
            case '1' -> "POP_MARK";
            case '2' -> "DUP";
            case 'p' -> "PUT";
            case 'g' -> "GET";
            default -> "unknown";
        };
        String printable = op >= 0x20 && op < 0x7f ? " '" + (char) op + "'" : "";
        return String.format("0x%02x%s (%s)", op, printable, name);
    }

    private InvalidInput error(int at, String problem) {
        return new InvalidInput(where + ", byte " + at + ": " + problem);
    }
}
