package iern.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static String refused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text, "src.json"),
                text.length() > 80 ? text.substring(0, 80) + "..." : text);
        assertTrue(e.getMessage().startsWith("src.json: "), "names the source: " + e.getMessage());
        return e.getMessage();
    }

    private static void mentions(String message, String... words) {
        for (String w : words) {
            assertTrue(message.contains(w), "'" + w + "' in: " + message);
        }
    }

    @Test
    void integersThatFitALongAreLongsEveryOtherNumberADouble() {
        Object v = Json.parse("[1, -2, 0, -0, 9007199254740993, 9223372036854775807, 1.0, 2.5, -25e-1, 1E3,"
                + " 99999999999999999999]", "t");
        assertEquals(List.of(1L, -2L, 0L, 0L, 9007199254740993L, Long.MAX_VALUE, 1.0, 2.5, -2.5, 1000.0, 1e20), v);
        List<?> list = (List<?>) v;
        for (int i = 0; i < 6; i++) {
            assertInstanceOf(Long.class, list.get(i), "element " + i);
        }
        for (int i = 6; i < list.size(); i++) {
            assertInstanceOf(Double.class, list.get(i), "element " + i);
        }
    }

    @Test
    void objectsKeepKeyOrderAndEveryKindOfValueReadsBack() {
        Object v = Json.parse(" {\"z\": {\"c\": null, \"d\": true, \"e\": false}, \"a\": [], \"m\": {},"
                + " \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u4e2d\"} ", "t");
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("z", "a", "m", "s"), List.copyOf(m.keySet()));
        Map<?, ?> z = (Map<?, ?>) m.get("z");
        assertTrue(z.containsKey("c"));
        assertNull(z.get("c"));
        assertEquals(true, z.get("d"));
        assertEquals(false, z.get("e"));
        assertEquals(List.of(), m.get("a"));
        assertEquals(Map.of(), m.get("m"));
        assertEquals("q\"\\/\b\f\n\r\té中", m.get("s"));
        assertEquals(v, Json.parse(Json.write(v), "again"));
        assertEquals(v, Json.parse(Json.pretty(v), "again"));
    }

    @Test
    void compactAndPrettyFormsAreTheDocumentedOnes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("f", 0.1f);
        m.put("d", 1e-4);
        m.put("n", 3);
        m.put("shape", new int[] {3, 1});
        m.put("offsets", new long[] {0, 1L << 40});
        m.put("xs", new double[] {1.5, -2});
        m.put("row", List.of(1, "x", true));
        m.put("rows", List.of(List.of(1, 2), Map.of("k", "v")));
        m.put("empty", List.of());
        m.put("none", new LinkedHashMap<>());
        m.put("null", null);
        assertEquals("{\"f\":0.1,\"d\":1.0E-4,\"n\":3,\"shape\":[3,1],\"offsets\":[0,1099511627776],\"xs\":[1.5,-2.0],"
                + "\"row\":[1,\"x\",true],\"rows\":[[1,2],{\"k\":\"v\"}],\"empty\":[],\"none\":{},\"null\":null}",
                Json.write(m));
        assertEquals("""
                {
                  "f": 0.1,
                  "d": 1.0E-4,
                  "n": 3,
                  "shape": [3, 1],
                  "offsets": [0, 1099511627776],
                  "xs": [1.5, -2.0],
                  "row": [1, "x", true],
                  "rows": [
                    [1, 2],
                    {
                      "k": "v"
                    }
                  ],
                  "empty": [],
                  "none": {},
                  "null": null
                }
                """, Json.pretty(m));
        // A float goes through its own decimal form, so it reads back to the same float.
        double back = (Double) Json.parseObject(Json.write(m), "t").get("f");
        assertEquals(0.1f, (float) back);
        assertEquals(0.1, back);
    }

    @Test
    void controlCharactersInStringsAreEscapedOnWrite() {
        StringBuilder all = new StringBuilder("\"\\");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        String s = all.append("\u007f é").toString();
        String text = Json.write(Map.of(s, List.of(s)));
        for (int i = 0; i < text.length(); i++) {
            assertTrue(text.charAt(i) >= 0x20, "raw control character at " + i + " of " + text);
        }
        mentions(text, "\\n", "\\t", "\\r", "\\\"", "\\\\", "\\u0000", "\\u001B");
        Map<?, ?> back = (Map<?, ?>) Json.parse(text, "t");
        assertEquals(List.of(s), back.get(s));
        assertFalse(Json.pretty(s).substring(0, Json.pretty(s).length() - 1).contains("\n"));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNullAndNeverRead() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nan", Double.NaN);
        m.put("inf", Double.POSITIVE_INFINITY);
        m.put("ninf", Float.NEGATIVE_INFINITY);
        m.put("fnan", Float.NaN);
        m.put("xs", new double[] {1, Double.NaN});
        assertEquals("{\"nan\":null,\"inf\":null,\"ninf\":null,\"fnan\":null,\"xs\":[1.0,null]}", Json.write(m));
        Map<String, Object> back = Json.parseObject(Json.pretty(m), "t");
        assertTrue(back.containsKey("nan"));
        assertNull(back.get("nan"));
        assertEquals(Arrays.asList(1.0, null), back.get("xs"));
        for (String bad : List.of("NaN", "[Infinity]", "{\"a\": -Infinity}", "[1e400]", "-1E309")) {
            assertTrue(refused(bad).contains("bad JSON at line 1, column "), bad);
        }
        mentions(refused("[1e400]"), "1e400", "beyond the range of a double");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        int limit = Json.MAX_DEPTH;
        assertEquals(64, limit);
        Object ok = Json.parse("[".repeat(limit) + "]".repeat(limit), "t");
        assertInstanceOf(List.class, ok);
        Object okObjects = Json.parse("{\"a\":".repeat(limit) + "1" + "}".repeat(limit), "t");
        assertInstanceOf(Map.class, okObjects);
        mentions(refused("[".repeat(limit + 1) + "]".repeat(limit + 1)), "nested deeper than 64", "line 1, column");
        mentions(refused("{\"a\":".repeat(limit + 1) + "1" + "}".repeat(limit + 1)), "nested deeper");
        // Far deeper: refused at the limit, long before the stack is at risk.
        mentions(refused("[".repeat(300_000) + "]".repeat(300_000)), "nested deeper");
    }

    @Test
    void oversizedDocumentsStringsAndNumbersAreRefused() {
        String big = " ".repeat(Json.MAX_DOCUMENT_CHARS) + "1";
        mentions(refused(big), "longer than the limit of " + Json.MAX_DOCUMENT_CHARS);
        assertEquals(1L, Json.parse(" ".repeat(1000) + "1", "t"));
        String longString = "\"" + "x".repeat(Json.MAX_STRING_CHARS + 1) + "\"";
        mentions(refused(longString), "string value length", "line 1");
        assertEquals(Json.MAX_STRING_CHARS, ((String) Json.parse("\"" + "x".repeat(Json.MAX_STRING_CHARS) + "\"", "t"))
                .length());
        mentions(refused("1".repeat(Json.MAX_NUMBER_CHARS + 1)), "number value length");
        assertInstanceOf(Double.class, Json.parse("0." + "1".repeat(Json.MAX_NUMBER_CHARS - 2), "t"));
    }

    @Test
    void duplicateKeysAreRefusedWhereTheyStand() {
        mentions(refused("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}"), "duplicate key \"c\"", "line 2, column 16");
        assertEquals(Map.of("a", Map.of("a", 1L)), Json.parse("{\"a\": {\"a\": 1}}", "t"), "same key at two levels");
    }

    @Test
    void anythingAfterTheValueIsRefused() {
        for (String bad : List.of("{} x", "{}{}", "1 2", "[1] ]", "\"a\" \"b\"", "null,")) {
            mentions(refused(bad), "unexpected text after the JSON value");
        }
        assertEquals(Map.of(), Json.parse(" \n\t{} \r\n", "t"), "surrounding whitespace is fine");
    }

    @Test
    void malformedTextNamesSourceLineAndColumn() {
        mentions(refused("{\n \"a\": 1,\n \"b\" 2}"), "src.json: bad JSON at line 3, column 6 (character 16)", "colon");
        mentions(refused("[1, 2"), "end-of-input", "opened at line 1, column 1");
        mentions(refused("{\"a\":01}"), "leading zero");
        mentions(refused(""), "expected a value");
        mentions(refused("\"a\nb\""), "line 1, column 3");
        mentions(refused("{'a': 1}"), "line 1, column 2");
        mentions(refused("[1,]"), "line 1, column 4");
        mentions(refused("tru\u001b"), "\\x1b");
        assertFalse(refused("tru\u001b").contains("\u001b"), "no raw escape reaches a terminal");
        mentions(refused("{a: 1}"), "double-quote");
    }

    @Test
    void parseObjectWantsAnObjectAndWriteRefusesWhatJsonCannotHold() {
        mentions(assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]", "f.json")).getMessage(),
                "f.json", "expected a JSON object");
        mentions(assertThrows(IllegalArgumentException.class, () -> Json.write(new Object())).getMessage(),
                "cannot write", "java.lang.Object");
    }
}
