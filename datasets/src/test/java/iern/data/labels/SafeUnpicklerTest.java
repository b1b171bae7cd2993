package iern.data.labels;

import iern.data.BadInput;
import iern.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixtures written by datasets/src/test/python/make_pickle_fixtures.py with the system Python's pickle. */
class SafeUnpicklerTest {
    static Path fixture(String name) {
        try {
            return Path.of(SafeUnpicklerTest.class.getResource("/iern/data/pickle/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void readsEveryProtocolAsTheSameDictAsTheCsv(int protocol) {
        Map<String, String> expected = LabelTable.readCsv(fixture("labels.csv"), BadInput.fail()).asMap();
        Map<String, String> got = SafeUnpickler.readStringDict(fixture("labels_p" + protocol + ".pkl"));
        assertEquals(expected, got);
        assertEquals("Happiness", got.get("ckplus_caf\u00e9_\u00fcber_001"));
        assertEquals(15, got.size());
    }

    @Test
    void readsBatchedSetItemsOfALargeDict() {
        Map<String, String> expected = LabelTable.readCsv(fixture("big.csv"), BadInput.fail()).asMap();
        assertEquals(1200, expected.size());
        assertEquals(expected, SafeUnpickler.readStringDict(fixture("big_p4.pkl")));
    }

    @Test
    void labelTableReadsPickleByExtension() {
        LabelTable t = LabelTable.read(fixture("labels_p3.pkl"), BadInput.fail());
        assertEquals("Disgust", t.get("mmi_S001_104_043"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exploit_p2.pkl", "exploit_p4.pkl"})
    void refusesCodeExecutionOpcodesByName(String name) {
        DataException e = assertThrows(DataException.class, () -> SafeUnpickler.readStringDict(fixture(name)));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains("GLOBAL") && e.getMessage().contains("is not allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("byte "), e.getMessage());
    }

    @Test
    void refusesNonStringValuesAndNonDicts() {
        DataException e = assertThrows(DataException.class,
                () -> SafeUnpickler.readStringDict(fixture("int_value_p3.pkl")));
        assertTrue(e.getMessage().contains("BININT1") && e.getMessage().contains("not allowed"), e.getMessage());
        DataException list = assertThrows(DataException.class,
                () -> SafeUnpickler.readStringDict(fixture("list_p3.pkl")));
        assertTrue(list.getMessage().contains("EMPTY_LIST"), list.getMessage());
    }

    @Test
    void reportsTruncationAndWrongTypes() throws Exception {
        byte[] full = Files.readAllBytes(fixture("labels_p4.pkl"));
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        DataException e = assertThrows(DataException.class, () -> SafeUnpickler.parse(Path.of("cut.pkl"), cut));
        assertTrue(e.getMessage().startsWith("cut.pkl: byte "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // a bare string is a valid pickle but not a dict
        byte[] str = {(byte) 0x80, 4, (byte) 0x8c, 1, 'a', '.'};
        DataException notDict = assertThrows(DataException.class, () -> SafeUnpickler.parse(Path.of("s.pkl"), str));
        assertTrue(notDict.getMessage().contains("holds a str; expected a dict"), notDict.getMessage());
        byte[] future = {(byte) 0x80, 6, '}', '.'};
        assertTrue(assertThrows(DataException.class, () -> SafeUnpickler.parse(Path.of("f.pkl"), future))
                .getMessage().contains("protocol 6"));
    }

    private static String parseError(byte[] pickle) {
        return assertThrows(DataException.class, () -> SafeUnpickler.parse(Path.of("h.pkl"), pickle)).getMessage();
    }

    @Test
    void manyEmptyDictsAreRefusedAtTheSecond() {
        byte[] dicts = new byte[1 << 20]; // 30 MB of these took 2.5 GB before
        Arrays.fill(dicts, (byte) '}');
        dicts[0] = (byte) 0x80;
        dicts[1] = 4;
        assertEquals("h.pkl: byte 3: a second dict; expected a pickle of one dict of str -> str", parseError(dicts));
        byte[] proto0 = "(d(d.".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(parseError(proto0).startsWith("h.pkl: byte 3: a second dict"), parseError(proto0));
    }

    @Test
    void memoEntriesMustBePaidForByObjects() {
        // one string memoized over and over, or at a huge index: memo slots without objects behind them
        byte[] spam = new byte[1000];
        Arrays.fill(spam, (byte) 0x94);
        System.arraycopy(new byte[]{(byte) 0x80, 4, (byte) 0x8c, 1, 'a'}, 0, spam, 0, 5);
        assertEquals("h.pkl: byte 6: memo index 1 but only 1 objects were built; expected an index below 1",
                parseError(spam));
        byte[] far = {(byte) 0x80, 2, '}', 'r', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, '.'};
        assertTrue(parseError(far).startsWith("h.pkl: byte 3: memo index 2147483647 but only 1 objects"), parseError(far));
    }

    @Test
    void badUnicodeEscapeNamesTheByteAndTheExpectedDigits() {
        byte[] bad = "(dVab\\uZZZZ\nVx\ns.".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("h.pkl: byte 5: bad escape '\\uZZZZ' in a UNICODE string; expected \\u and 4 hex digits",
                parseError(bad));
        byte[] big = "(dV\\U00110000\nVx\ns.".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(parseError(big).startsWith("h.pkl: byte 3: bad escape '\\U00110000'"), parseError(big));
        byte[] good = "(dV\\u00e9\\U0001F600\nVx\ns.".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Map.of("\u00e9\uD83D\uDE00", "x"), SafeUnpickler.parse(Path.of("g.pkl"), good));
    }

    @Test
    void hugeLengthIsTruncationNotACrash() {
        byte[] huge = {(byte) 0x80, 4, (byte) 0x8d, -1, -1, -1, -1, -1, -1, -1, 0x7f, '.'};
        assertTrue(parseError(huge).startsWith("h.pkl: byte 11: pickle is truncated"), parseError(huge));
    }

    @Test
    void controlCharactersInKeysAreEscapedInMessages() {
        // the dict set as a value of itself, under a key holding ESC
        byte[] p = {(byte) 0x80, 4, '}', (byte) 0x94, (byte) 0x8c, 3, 'a', 0x1b, 'b', 'h', 0, 's', '.'};
        assertEquals("h.pkl: byte 11: value of key 'a\\x1bb' is a dict; expected str", parseError(p));
    }
}
