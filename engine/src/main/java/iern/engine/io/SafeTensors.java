package iern.engine.io;

import iern.engine.InvalidInput;
import iern.engine.FloatArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header mapping
 * each name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the
 * data block) plus an optional {@code "__metadata__"} string map, then the raw little-endian
 * data. Files written here are readable by Hugging Face's reader and vice versa.
 *
 * <p>Reading checks everything the header claims against the file before allocating anything,
 * so a corrupt or hostile file gives a {@link SafeTensorsException} naming the file and the
 * problem, never an out-of-memory error or a partial result. Integer and other float dtypes are
 * converted to float32 (handy for fixtures); writing always uses F32.
 */
public final class SafeTensors {

    /** The largest header accepted; the reference implementation uses the same bound. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** Java arrays stop a little short of Integer.MAX_VALUE. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final int CHUNK_BYTES = 1 << 20;

    private static final String METADATA_KEY = "__metadata__";

    private SafeTensors() {}

    /** What a file holds: tensors in header order, and the free-form string metadata. */
    public record Contents(Map<String, FloatArray> tensors, Map<String, String> metadata) {
        /** The tensor called {@code name}, or an error listing what the file does have. */
        public FloatArray get(String name) {
            FloatArray a = tensors.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no tensor '" + name + "'; present: " + tensors.keySet());
            }
            return a;
        }
    }

    /** Element types the reader understands, with their size in bytes. */
    private enum Dtype {
        F32(4), F64(8), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        final int bytes;

        Dtype(int bytes) { this.bytes = bytes; }

        static Dtype of(String s) {
            for (Dtype d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** One header entry after validation. */
    private record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {}

    // ---------------------------------------------------------------- reading

    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new SafeTensorsException(file, "file is " + fileSize
                        + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
                throw new SafeTensorsException(file, "header length " + Long.toUnsignedString(headerLen)
                        + " is absurd (limit " + MAX_HEADER_BYTES + " bytes): not a safetensors file?");
            }
            if (headerLen > fileSize - 8) {
                throw new SafeTensorsException(file, "header length " + headerLen
                        + " runs past the end of the file (" + fileSize + " bytes): truncated?");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8, file);
            String headerText = decodeUtf8(headerBuf.flip(), file);
            Object parsed;
            try {
                parsed = Json.parse(headerText, file + " header");
            } catch (IllegalArgumentException e) {
                throw new SafeTensorsException(file, "header is not valid JSON: " + e.getMessage(), e);
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw new SafeTensorsException(file, "header must be a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals(METADATA_KEY)) {
                    readMetadata(e.getValue(), metadata, file);
                } else {
                    entries.add(entry(name, e.getValue(), dataLen, file));
                }
            }
            checkLayout(entries, dataLen, file);
            Map<String, FloatArray> tensors = new LinkedHashMap<>();
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(dataLen, 8)))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (Entry en : entries) {
                tensors.put(en.name, new FloatArray(en.shape, readData(ch, dataStart, en, chunk, file)));
            }
            return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }
    }

    private static String decodeUtf8(ByteBuffer bytes, Path file) throws SafeTensorsException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(file, "header is not valid UTF-8", e);
        }
    }

    private static void readMetadata(Object value, Map<String, String> out, Path file) throws SafeTensorsException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafeTensorsException(file, "\"__metadata__\" must be an object of strings");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new SafeTensorsException(file, "\"__metadata__\" value of \"" + e.getKey()
                        + "\" must be a string, got " + describe(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
    }

    private static Entry entry(String name, Object value, long dataLen, Path file) throws SafeTensorsException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafeTensorsException(file, where + ": expected an object with dtype, shape and data_offsets");
        }
        for (Object key : m.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafeTensorsException(file, where + ": unexpected field \"" + key + "\"");
            }
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new SafeTensorsException(file, where + ": missing or non-string \"dtype\"");
        }
        Dtype dtype = Dtype.of(dtypeName);
        if (dtype == null) {
            throw new SafeTensorsException(file, where + ": unknown dtype \"" + dtypeName
                    + "\" (understood: " + java.util.Arrays.toString(Dtype.values()) + ")");
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw new SafeTensorsException(file, where + ": missing or non-array \"shape\"");
        }
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new SafeTensorsException(file, where + ": shape " + shapeList
                        + " must hold non-negative integers");
            }
            shape[i] = (int) (long) d;
            count = count == 0 || d == 0 ? 0 : (count > MAX_ELEMENTS / d ? MAX_ELEMENTS + 1 : count * d);
        }
        if (count > MAX_ELEMENTS) {
            throw new SafeTensorsException(file, where + ": shape " + shapeList + " has more elements than a Java array holds");
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw new SafeTensorsException(file, where + ": \"data_offsets\" must be [begin, end] integers");
        }
        if (begin < 0 || end < begin) {
            throw new SafeTensorsException(file, where + ": data_offsets " + offs + " are not 0 <= begin <= end");
        }
        if (end > dataLen) {
            throw new SafeTensorsException(file, where + ": data_offsets " + offs + " run past the end of the data ("
                    + dataLen + " bytes): truncated file?");
        }
        long expected = count * dtype.bytes;
        if (end - begin != expected) {
            throw new SafeTensorsException(file, where + ": data_offsets " + offs + " span " + (end - begin)
                    + " bytes but " + dtype + " shape " + shapeList + " needs " + expected);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** The data block must be tiled exactly: no overlaps, no holes, nothing left over. */
    private static void checkLayout(List<Entry> entries, long dataLen, Path file) throws SafeTensorsException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin < covered) {
                throw new SafeTensorsException(file, "tensor '" + e.name + "' [" + e.begin + ", " + e.end
                        + ") overlaps tensor '" + previous.name + "' [" + previous.begin + ", " + previous.end + ")");
            }
            if (e.begin > covered) {
                throw new SafeTensorsException(file, "data bytes [" + covered + ", " + e.begin
                        + ") belong to no tensor (a hole before '" + e.name + "')");
            }
            covered = e.end;
            if (e.end > e.begin || previous == null) {
                previous = e;
            }
        }
        if (covered != dataLen) {
            throw new SafeTensorsException(file, "data block is " + dataLen + " bytes but the tensors cover only "
                    + covered + ": trailing bytes");
        }
    }

    private static float[] readData(FileChannel ch, long dataStart, Entry e, ByteBuffer chunk, Path file)
            throws IOException {
        int n = (int) ((e.end - e.begin) / e.dtype.bytes);
        float[] out = new float[n];
        int perChunk = chunk.capacity() / e.dtype.bytes;
        int done = 0;
        while (done < n) {
            int take = Math.min(perChunk, n - done);
            chunk.clear().limit(take * e.dtype.bytes);
            readFully(ch, chunk, dataStart + e.begin + (long) done * e.dtype.bytes, file);
            chunk.flip();
            convert(e.dtype, chunk, out, done, take);
            done += take;
        }
        return out;
    }

    private static void convert(Dtype dtype, ByteBuffer b, float[] out, int off, int n) {
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out, off, n);
            case F64 -> { for (int i = 0; i < n; i++) out[off + i] = (float) b.getDouble(i * 8); }
            case F16 -> { for (int i = 0; i < n; i++) out[off + i] = Float.float16ToFloat(b.getShort(i * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[off + i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); }
            case I64 -> { for (int i = 0; i < n; i++) out[off + i] = (float) b.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[off + i] = (float) b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[off + i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[off + i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[off + i] = b.get(i) & 0xff; }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int got = ch.read(buf, pos);
            if (got < 0) {
                throw new SafeTensorsException(file, "unexpected end of file at byte " + pos);
            }
            pos += got;
        }
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof String ? "a string" : v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code tensors} (in map order) as F32 with {@code metadata}, atomically: the bytes go
     * to a temporary file in the same directory, are forced to disk, and the file is renamed
     * over {@code file}, so a crash leaves either the old file or the new one, never half of one.
     */
    public static void write(Path file, Map<String, FloatArray> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, FloatArray> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new InvalidInput(file + ": invalid tensor name '" + name + "'");
            }
            FloatArray a = e.getValue();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", a.shape());
            long end = offset + 4L * a.size();
            info.put("data_offsets", new long[] {offset, end});
            header.put(name, info);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so the data block starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (FloatArray a : tensors.values()) {
                    float[] d = a.data();
                    int perChunk = CHUNK_BYTES / 4;
                    for (int done = 0; done < d.length; done += perChunk) {
                        int take = Math.min(perChunk, d.length - done);
                        chunk.clear();
                        chunk.asFloatBuffer().put(d, done, take);
                        chunk.limit(take * 4);
                        writeFully(ch, chunk);
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
