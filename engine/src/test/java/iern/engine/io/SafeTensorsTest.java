package iern.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    private static FloatArray random(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return new FloatArray(shape, data);
    }

    @Test
    void roundTripKeepsOrderShapesValuesAndMetadata() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        Map<String, FloatArray> t = new LinkedHashMap<>();
        t.put("z.last.weight", random(r, 13, 7, 3, 1));
        t.put("a.bias", random(r, 7));
        t.put("scalar", new FloatArray(new int[0], new float[] {Float.NaN}));
        t.put("empty", new FloatArray(new int[] {0, 3}, new float[0]));
        t.put("inf", FloatArray.of(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE));
        Map<String, String> meta = Map.of("epoch", "12", "note", "quote \" and \\ and \n newline, ünïcode");
        Path f = dir.resolve("state.safetensors");
        SafeTensors.write(f, t, meta);

        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()));
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).shape(), c.get(k).shape(), k);
            // Bit-exact, NaN and signed zero included.
            for (int i = 0; i < t.get(k).size(); i++) {
                assertEquals(Float.floatToRawIntBits(t.get(k).data()[i]),
                        Float.floatToRawIntBits(c.get(k).data()[i]), k + "[" + i + "]");
            }
        }
        assertEquals(meta, c.metadata());
    }

    @Test
    void headerIsPaddedTo8BytesAndDataIsLittleEndian() throws IOException {
        Path f = dir.resolve("x.safetensors");
        SafeTensors.write(f, Map.of("w", FloatArray.of(1.5f, -2f)), Map.of());
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = b.getLong(0);
        assertEquals(0, headerLen % 8);
        assertEquals(8 + headerLen + 8, bytes.length);
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.strip());
        assertEquals(1.5f, b.getFloat(8 + (int) headerLen));
        assertEquals(-2f, b.getFloat(12 + (int) headerLen));
    }

    @Test
    void missingNameListsWhatIsPresent() throws IOException {
        Path f = dir.resolve("x.safetensors");
        SafeTensors.write(f, Map.of("w", FloatArray.of(1f)), Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(f).get("v"));
        assertTrue(e.getMessage().contains("'v'") && e.getMessage().contains("[w]"), e.getMessage());
    }

    @Test
    void readsOtherDtypesAsFloat() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8 * 2 + 8 * 2 + 4 * 2 + 2 * 2 + 2 + 1).order(ByteOrder.LITTLE_ENDIAN);
        d.putDouble(0.25).putDouble(-3.0);          // F64 [0, 16)
        d.putLong(5).putLong(-7);                   // I64 [16, 32)
        d.putInt(42).putInt(-1);                    // I32 [32, 40)
        d.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.5f)); // F16 [40, 44)
        d.putShort((short) (Float.floatToRawIntBits(3.0f) >>> 16)); // BF16 [44, 46)
        d.put((byte) 200);                          // U8 [46, 47)
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"f64\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[2,1],\"data_offsets\":[16,32]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[1,2],\"data_offsets\":[32,40]},"
                + "\"f16\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[40,44]},"
                + "\"bf16\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[44,46]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[46,47]}}";
        Path f = raw("dtypes.safetensors", header, d.array());
        SafeTensors.Contents c = SafeTensors.read(f);
        assertArrayEquals(new float[] {0.25f, -3f}, c.get("f64").data());
        assertArrayEquals(new float[] {5f, -7f}, c.get("i64").data());
        assertArrayEquals(new int[] {2, 1}, c.get("i64").shape());
        assertArrayEquals(new float[] {42f, -1f}, c.get("i32").data());
        assertArrayEquals(new float[] {1.5f, -0.5f}, c.get("f16").data());
        assertArrayEquals(new float[] {3f}, c.get("bf16").data());
        assertArrayEquals(new float[] {200f}, c.get("u8").data());
        assertEquals(Map.of("format", "pt"), c.metadata());
    }

    @Test
    void overwriteIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        SafeTensors.write(f, Map.of("w", FloatArray.of(1f)), Map.of());
        SafeTensors.write(f, Map.of("w", FloatArray.of(2f, 3f)), Map.of());
        assertArrayEquals(new float[] {2f, 3f}, SafeTensors.read(f).get("w").data());
        // A write that fails half-way keeps the old file and cleans up its temporary.
        Map<String, FloatArray> bad = new LinkedHashMap<>();
        bad.put("ok", FloatArray.of(9f));
        bad.put("__metadata__", FloatArray.of(1f));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, bad, Map.of()));
        assertArrayEquals(new float[] {2f, 3f}, SafeTensors.read(f).get("w").data());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f.getFileName().toString()), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    // ---------------------------------------------------------------- malformed files

    /** A file with the given header text and data bytes, header length computed honestly. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private void assertRejected(Path f, String... fragments) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f));
        String msg = e.getMessage();
        assertTrue(msg.contains(f.toString()), "message should name the file: " + msg);
        for (String frag : fragments) {
            assertTrue(msg.contains(frag), "message should contain '" + frag + "': " + msg);
        }
    }

    private static String one(String dtype, String shape, String offsets) {
        return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    @Test
    void rejectsTooShortFile() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertRejected(f, "too short");
    }

    @Test
    void rejectsAbsurdHeaderLengthWithoutAllocating() throws IOException {
        Path f = dir.resolve("absurd.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 60).putLong(0);
        Files.write(f, b.array());
        assertRejected(f, "header length", "absurd");
        Path neg = dir.resolve("negative.safetensors");
        Files.write(neg, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(0).array());
        assertRejected(neg, "absurd");
    }

    @Test
    void rejectsHeaderLengthBeyondFile() throws IOException {
        Path f = dir.resolve("beyond.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}  ".getBytes());
        Files.write(f, b.array());
        assertRejected(f, "runs past the end of the file", "truncated");
    }

    @Test
    void rejectsBadJson() throws IOException {
        assertRejected(raw("json1.safetensors", "{\"w\": {\"dtype\": \"F32\", ", new byte[0]), "not valid JSON", "character");
        assertRejected(raw("json2.safetensors", "[1, 2]", new byte[0]), "must be a JSON object");
        assertRejected(raw("json3.safetensors", "{\"a\":1,\"a\":2}", new byte[0]), "duplicate key");
        assertRejected(raw("json4.safetensors", "{\"a\":01}", new byte[0]), "leading zero");
        byte[] badUtf8 = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};
        Path f = dir.resolve("utf.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + badUtf8.length).order(ByteOrder.LITTLE_ENDIAN).putLong(badUtf8.length).put(badUtf8);
        Files.write(f, b.array());
        assertRejected(f, "UTF-8");
        assertRejected(raw("deep.safetensors", "[".repeat(500) + "]".repeat(500), new byte[0]), "nesting");
    }

    @Test
    void rejectsUnknownDtype() throws IOException {
        assertRejected(raw("dtype.safetensors", one("Q4", "[2]", "[0,8]"), new byte[8]), "tensor 'w'", "unknown dtype \"Q4\"");
    }

    @Test
    void rejectsOffsetsOutOfRange() throws IOException {
        assertRejected(raw("range.safetensors", one("F32", "[4]", "[0,16]"), new byte[8]),
                "tensor 'w'", "run past the end of the data (8 bytes)");
        assertRejected(raw("order.safetensors", one("F32", "[0]", "[8,4]"), new byte[8]), "begin <= end");
        assertRejected(raw("neg.safetensors", one("F32", "[1]", "[-4,0]"), new byte[8]), "begin <= end");
    }

    @Test
    void rejectsOffsetsNotMatchingShape() throws IOException {
        assertRejected(raw("size.safetensors", one("F32", "[3]", "[0,8]"), new byte[8]),
                "tensor 'w'", "span 8 bytes", "needs 12");
        assertRejected(raw("shape.safetensors", one("F32", "[-1]", "[0,8]"), new byte[8]), "non-negative integers");
        assertRejected(raw("huge.safetensors", one("F32", "[100000,100000,100000]", "[0,8]"), new byte[8]),
                "more elements than a Java array holds");
    }

    @Test
    void rejectsOverlapsHolesAndTrailingBytes() throws IOException {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertRejected(raw("overlap.safetensors", overlap, new byte[12]), "'b'", "overlaps tensor 'a'");
        String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertRejected(raw("hole.safetensors", hole, new byte[12]), "hole before 'b'");
        assertRejected(raw("trail.safetensors", one("F32", "[1]", "[0,4]"), new byte[9]), "trailing bytes");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        Path f = dir.resolve("full.safetensors");
        SafeTensors.write(f, Map.of("a", FloatArray.of(1f, 2f, 3f), "b", FloatArray.of(4f, 5f)), Map.of());
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 3));
        assertRejected(cut, "run past the end of the data", "truncated");
    }

    @Test
    void rejectsBadEntryStructureAndMetadata() throws IOException {
        assertRejected(raw("extra.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", new byte[4]),
                "unexpected field \"x\"");
        assertRejected(raw("noshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]),
                "\"shape\"");
        assertRejected(raw("offs.safetensors", one("F32", "[1]", "[0]"), new byte[4]), "data_offsets");
        assertRejected(raw("meta.safetensors", "{\"__metadata__\":{\"k\":3}}", new byte[0]),
                "__metadata__", "must be a string");
        assertRejected(raw("notobj.safetensors", "{\"w\":7}", new byte[0]), "tensor 'w'", "expected an object");
    }
}
