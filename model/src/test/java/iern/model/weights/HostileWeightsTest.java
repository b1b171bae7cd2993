package iern.model.weights;

import iern.model.PretrainedBackbone;
import static iern.model.weights.PretrainedBackboneTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import iern.engine.InvalidInput;
import iern.model.ResNet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights files that are malicious, broken or of a kind we do not read: each is refused with one
 * message naming the file and the reason, and nothing in any of them is ever executed (the
 * malicious fixture would create {@link #MARKER}).
 */
class HostileWeightsTest {
    /** What malicious_os_system.pth's pickle would {@code touch} if anything ran it. */
    static final Path MARKER = Path.of("/tmp/iern-malicious-pickle-ran");

    @TempDir
    Path dir;

    @BeforeEach
    void noMarker() throws IOException {
        Files.deleteIfExists(MARKER);
    }

    @AfterEach
    void nothingRan() {
        assertFalse(Files.exists(MARKER), "a pickle was executed: " + MARKER + " exists");
    }

    private static String refused(Path file) {
        InvalidInput e = assertThrows(InvalidInput.class, () -> WeightsFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static void mentions(String message, String... words) {
        for (String w : words) {
            assertTrue(message.contains(w), "'" + w + "' in: " + message);
        }
    }

    private Path pth(String name, byte[] pickle, Map<String, byte[]> storages) {
        return PickleWriter.pth(dir.resolve(name), pickle, storages);
    }

    private Path pth(String name, byte[] pickle) {
        return pth(name, pickle, Map.of());
    }

    /** A state dict whose one value is {@code module.name("touch MARKER")}. */
    private static byte[] calling(String module, String name) {
        return new PickleWriter().proto(2).orderedDict().mark().str("conv1.weight").global(module, name)
                .str("touch " + MARKER).op(0x85).reduce().setItems().stop().bytes();
    }

    // ---------------------------------------------------------------- the committed fixtures

    @Test
    void theMaliciousFixtureIsRefusedByNameAndNeverRun() {
        Path file = fixture("malicious_os_system.pth");
        mentions(refused(file), "os.system is not allowed in a weights file", "nothing was executed");
        InvalidInput e = assertThrows(InvalidInput.class,
                () -> PretrainedBackbone.load(new ResNet("resnet18", 1.0 / 16, 32, new SplittableRandom(1)), file));
        mentions(e.getMessage(), file.toString(), "os.system is not allowed");
    }

    @Test
    void theLegacyFormatIsRefusedWithTheWayToConvertIt() {
        mentions(refused(fixture("legacy.pth")), "legacy format (before 1.6)", "torch.save", "weights_only=True",
                "safetensors");
    }

    @Test
    void aTruncatedZipIsRefused() {
        mentions(refused(fixture("truncated.pth")), "not a complete zip archive", "truncated");
    }

    // ---------------------------------------------------------------- globals and opcodes

    @Test
    void everyOtherGlobalIsRefusedByName() {
        String[][] globals = {{"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"builtins", "eval"},
            {"builtins", "exec"}, {"builtins", "getattr"}, {"__builtin__", "eval"}, {"subprocess", "Popen"},
            {"subprocess", "check_output"}, {"runpy", "_run_code"}, {"pickle", "loads"}, {"torch", "load"},
            {"torch.storage", "_load_from_bytes"}, {"torch._utils", "_rebuild_qtensor"},
            {"numpy.core.multiarray", "_reconstruct"}, {"torchvision.models.resnet", "ResNet"},
            {"collections", "defaultdict"}, {"torch", "FooStorage"}, {"torch", "Tensor"}};
        for (String[] g : globals) {
            Path file = pth("global.pth", calling(g[0], g[1]));
            mentions(refused(file), g[0] + "." + g[1] + " is not allowed in a weights file", "nothing was executed");
        }
    }

    @Test
    void aGlobalNamedFromTheStackIsCheckedTheSameWay() {
        byte[] p = new PickleWriter().proto(4).orderedDict().mark().shortStr("x").shortStr("os").shortStr("system")
                .op(0x93).shortStr("touch " + MARKER).op(0x85).reduce().setItems().stop().bytes();
        mentions(refused(pth("stack_global.pth", p)), "os.system is not allowed");
    }

    @Test
    void opcodesAStateDictDoesNotUseAreRefusedByName() {
        Object[][] cases = {{new byte[] {'(', 'i', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n'}, "(INST)"},
            {new byte[] {'(', 'o'}, "(OBJ)"}, {new byte[] {(byte) 0x81}, "(NEWOBJ)"}, {new byte[] {(byte) 0x82, 1}, "(EXT)"},
            {new byte[] {'P', '0', '\n'}, "(PERSID)"}, {new byte[] {'B', 1, 0, 0, 0, 'x'}, "(BINBYTES)"},
            {new byte[] {'N', '0'}, "(POP)"}, {new byte[] {'S', '\'', 'x', '\'', '\n'}, "(STRING)"}};
        for (Object[] c : cases) {
            byte[] p = new PickleWriter().proto(2).op(toInts((byte[]) c[0])).stop().bytes();
            mentions(refused(pth("opcode.pth", p)), "data.pkl, byte ", (String) c[1], "is not allowed in a weights file");
        }
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    @Test
    void tensorsWithBackwardHooksAreRefused() {
        byte[] p = new PickleWriter().proto(2).orderedDict().mark().str("w")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(1).tuple().op('Q')
                .integer(0).mark().integer(1).tuple().mark().integer(1).tuple().op(0x89)
                .emptyDict().mark().str("hook").str("code").setItems()
                .tuple().reduce().setItems().stop().bytes();
        mentions(refused(pth("hooks.pth", p, Map.of("0", PickleWriter.floats(1)))), "backward hooks");
    }

    // ---------------------------------------------------------------- bounds

    @Test
    void aStorageLargerThanItsRecordIsRefused() {
        byte[] p = PickleWriter.stateDict("w", "FloatStorage", 100, 0, new long[] {100}, new long[] {1});
        mentions(refused(pth("short_storage.pth", p, Map.of("0", PickleWriter.floats(1, 2)))),
                "storage 0 of tensor 'w' declares 100 float32 elements (400 bytes)", "holds 8 bytes");
        byte[] huge = PickleWriter.stateDict("w", "FloatStorage", 1L << 40, 0, new long[] {1}, new long[] {1});
        mentions(refused(pth("huge_storage.pth", huge, Map.of("0", PickleWriter.floats(1)))), "too many");
        byte[] absent = PickleWriter.stateDict("w", "FloatStorage", 1, 0, new long[] {1}, new long[] {1});
        mentions(refused(pth("no_storage.pth", absent)), "has no record no_storage/data/0");
    }

    @Test
    void viewsOutsideTheirStorageAreRefused() {
        Map<String, byte[]> four = Map.of("0", PickleWriter.floats(1, 2, 3, 4));
        mentions(refused(pth("offset.pth", PickleWriter.stateDict("w", "FloatStorage", 4, 1, new long[] {2, 2},
                new long[] {2, 1}), four)), "reaches element 4 of storage 0, which holds 4");
        mentions(refused(pth("stride.pth", PickleWriter.stateDict("w", "FloatStorage", 4, 0, new long[] {3},
                new long[] {1L << 62}), four)), "strides run out of range");
        mentions(refused(pth("negative.pth", PickleWriter.stateDict("w", "FloatStorage", 4, 0, new long[] {2},
                new long[] {-1}), four)), "negative size or stride");
        mentions(refused(pth("negative_offset.pth", PickleWriter.stateDict("w", "FloatStorage", 4, -1, new long[] {1},
                new long[] {1}), four)), "negative storage offset");
        mentions(refused(pth("elements.pth", PickleWriter.stateDict("w", "FloatStorage", 4, 0,
                new long[] {1L << 20, 1L << 20}, new long[] {0, 0}), four)), "more elements than an array can hold");
    }

    @Test
    void deepNestingAndSelfContainmentAreRefused() {
        PickleWriter deep = new PickleWriter().proto(2);
        for (int i = 0; i < 40; i++) {
            deep.op(']');
        }
        for (int i = 0; i < 39; i++) {
            deep.op('a');
        }
        mentions(refused(pth("deep.pth", deep.stop().bytes())), "nested deeper than 32 levels");
        byte[] loop = new PickleWriter().proto(2).op(']', 'q', 0, 'h', 0, 'a').stop().bytes();
        mentions(refused(pth("loop.pth", loop)), "placed inside itself");
    }

    @Test
    void malformedPicklesAreRefused() {
        byte[] good = PickleWriter.stateDict("w", "FloatStorage", 1, 0, new long[] {1}, new long[] {1});
        Map<String, byte[]> one = Map.of("0", PickleWriter.floats(1));
        mentions(refused(pth("cut.pth", java.util.Arrays.copyOf(good, good.length - 1), one)), "ends without STOP");
        mentions(refused(pth("memo.pth", new PickleWriter().proto(2).op('h', 5).stop().bytes())),
                "memo entry 5 was never stored");
        mentions(refused(pth("bigint.pth", new PickleWriter().proto(2).op(0x8a, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1).stop()
                .bytes())), "an integer of 9 bytes");
        mentions(refused(pth("notensor.pth", new PickleWriter().proto(2).orderedDict().mark().str("a").str("b")
                .setItems().stop().bytes())), "entry 'a' is a str, not a tensor");
        mentions(refused(pth("list.pth", new PickleWriter().proto(2).op(']').stop().bytes())),
                "holds a list, not a state dict");
        mentions(refused(pth("underflow.pth", new PickleWriter().proto(2).op('(', 'a').stop().bytes())), "stack underflow");
        mentions(refused(pth("protocol.pth", new PickleWriter().proto(9).stop().bytes())), "pickle protocol 9");
        mentions(refused(pth("calls_storage.pth", new PickleWriter().proto(2).global("torch", "FloatStorage")
                .emptyTuple().reduce().stop().bytes())), "torch.FloatStorage is not called");
    }

    @Test
    void otherDtypesAreRefusedByDtype() {
        byte[] p = PickleWriter.stateDict("layer1.0.conv1.weight", "IntStorage", 2, 0, new long[] {2}, new long[] {1});
        mentions(refused(pth("int32.pth", p, Map.of("0", new byte[8]))), "tensor 'layer1.0.conv1.weight' is int32"
                + " (torch.IntStorage)", "float tensors");
        byte[] q = PickleWriter.stateDict("w", "QInt8Storage", 2, 0, new long[] {2}, new long[] {1});
        mentions(refused(pth("qint8.pth", q, Map.of("0", new byte[2]))), "is qint8");
    }

    // ---------------------------------------------------------------- the zip

    @Test
    void brokenOrForeignZipsAreRefused() {
        byte[] p = PickleWriter.stateDict("w", "FloatStorage", 1, 0, new long[] {1}, new long[] {1});
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("c/data.pkl", p);
        records.put("c/data/0", PickleWriter.floats(1));
        mentions(refused(PickleWriter.zip(dir.resolve("deflated.pth"), records, false)), "record c/data/0 is compressed");
        mentions(refused(PickleWriter.zip(dir.resolve("nopickle.pth"), Map.of("c/data/0", new byte[4]), true)),
                "a zip without <name>/data.pkl");
        records.put("c/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        mentions(refused(PickleWriter.zip(dir.resolve("big.pth"), records, true)), "'big'-endian");
    }

    @Test
    void filesOfNoKnownFormatAreRefused() throws IOException {
        Path empty = Files.write(dir.resolve("empty.pth"), new byte[0]);
        mentions(refused(empty), "neither a PyTorch .pth", "empty");
        Path text = Files.writeString(dir.resolve("weights.txt"), "conv1.weight = 0.5\n");
        mentions(refused(text), "neither a PyTorch .pth");
        mentions(refused(dir.resolve("absent.pth")), "no such file");
        mentions(refused(dir), "not a regular file");
        Path badSafetensors = Files.write(dir.resolve("bad.safetensors"),
                ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(100).put((byte) '{').array());
        mentions(refused(badSafetensors), "runs past the end of the file");
    }

    // ---------------------------------------------------------------- what is accepted

    @Test
    void viewsParametersSharedStoragesAndOtherFloatTypesAreReadExactly() {
        ByteBuffer half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f));
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (Float.floatToIntBits(0.25f) >>> 16)).putShort((short) (Float.floatToIntBits(-3f) >>> 16));
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(1e30);
        ByteBuffer i64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(123456);
        PickleWriter w = new PickleWriter().proto(2).orderedDict().mark();
        w.str("transposed").tensor("FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3});
        w.str("offset").tensor("FloatStorage", "0", 6, 2, new long[] {2}, new long[] {2});
        w.str("param").global("torch._utils", "_rebuild_parameter")
                .tensor("FloatStorage", "0", 6, 5, new long[] {1}, new long[] {1}).op(0x88).orderedDict().op(0x87).reduce();
        w.str("half").tensor("HalfStorage", "1", 2, 0, new long[] {2}, new long[] {1});
        w.str("bf16").tensor("BFloat16Storage", "2", 2, 0, new long[] {2}, new long[] {1});
        w.str("f64").tensor("DoubleStorage", "3", 2, 0, new long[] {2}, new long[] {1});
        w.str("bn.num_batches_tracked").tensor("LongStorage", "4", 1, 0, new long[] {}, new long[] {});
        w.str("empty").tensor("FloatStorage", "5", 0, 0, new long[] {0, 3}, new long[] {3, 1});
        Map<String, byte[]> storages = Map.of("0", PickleWriter.floats(0, 1, 2, 3, 4, 5), "1", half.array(),
                "2", bf16.array(), "3", f64.array(), "4", i64.array(), "5", new byte[0]);
        Map<String, FloatArray> t = WeightsFile.read(pth("views.pth", w.setItems().stop().bytes(), storages));
        assertEquals(new FloatArray(new int[] {3, 2}, new float[] {0, 3, 1, 4, 2, 5}), t.get("transposed"));
        assertArrayEquals(new float[] {2, 4}, t.get("offset").data());
        assertArrayEquals(new float[] {5}, t.get("param").data());
        assertArrayEquals(new float[] {1.5f, -2f}, t.get("half").data());
        assertArrayEquals(new float[] {0.25f, -3f}, t.get("bf16").data());
        assertArrayEquals(new float[] {0.1f, 1e30f}, t.get("f64").data());
        assertEquals(new FloatArray(new int[] {}, new float[] {123456}), t.get("bn.num_batches_tracked"));
        assertArrayEquals(new int[] {0, 3}, t.get("empty").shape());
        assertEquals(java.util.List.of("transposed", "offset", "param", "half", "bf16", "f64", "bn.num_batches_tracked",
                "empty"), java.util.List.copyOf(t.keySet()), "the file's order");
    }
}
