package iern.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() throws Json.ParseException {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, -0.25e2, 1E3], \"b\": {\"c\": null, \"d\": true, \"e\": false},"
                + " \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u4e2d\", \"big\": 9007199254740993} ", "test");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, -25.0, 1000.0), m.get("a"));
        Map<?, ?> b = (Map<?, ?>) m.get("b");
        assertTrue(b.containsKey("c") && b.get("c") == null);
        assertEquals(true, b.get("d"));
        assertEquals(false, b.get("e"));
        assertEquals("q\"\\/\b\f\n\r\té中", m.get("s"));
        assertEquals(9007199254740993L, m.get("big"), "integers beyond 2^53 stay exact");
        assertEquals(List.of("a", "b", "s", "big"), List.copyOf(m.keySet()), "key order kept");
    }

    @Test
    void writesWhatItReads() throws Json.ParseException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", new int[] {3, 1, 7});
        m.put("offsets", new long[] {0, 1L << 40});
        m.put("name", "tab\there \"quoted\" \u0001");
        m.put("list", List.of(1.5, true, "x"));
        m.put("none", null);
        String text = Json.write(m);
        assertEquals("{\"shape\":[3,1,7],\"offsets\":[0,1099511627776],\"name\":\"tab\\there \\\"quoted\\\" \\u0001\","
                + "\"list\":[1.5,true,\"x\"],\"none\":null}", text);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text, "round trip");
        assertEquals(List.of(3L, 1L, 7L), back.get("shape"));
        assertEquals(m.get("name"), back.get("name"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }

    @Test
    void errorsSayWhereAndWhat() {
        String[][] bad = {
            {"{\"a\" 1}", "expected ':'", "5"},
            {"[1, 2", "expected ']'", "5"},
            {"[1,]", "expected a value", "3"},
            {"\"abc", "unterminated string", "4"},
            {"\"a\\x\"", "unknown escape", "3"},
            {"\"\\u12g4\"", "bad hex digit", "3"},
            {"-", "expected digits", "1"},
            {"1.", "expected digits after '.'", "2"},
            {"1e+", "expected digits in exponent", "3"},
            {"tru", "expected 'true'", "0"},
            {"{} {}", "unexpected text after the JSON value", "3"},
            {"99999999999999999999", "integer out of range", "0"},
            {"\"a\nb\"", "control character", "2"},
            {"", "expected a value", "0"},
        };
        for (String[] b : bad) {
            var e = assertThrows(Json.ParseException.class, () -> Json.parse(b[0], "src.json"), b[0]);
            assertTrue(e.getMessage().startsWith("src.json: bad JSON at character " + b[2] + ": " + b[1]),
                    b[0] + " -> " + e.getMessage());
            assertEquals(Integer.parseInt(b[2]), e.offset());
        }
    }
}
