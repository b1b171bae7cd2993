package iern.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.io.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {

    @Test
    void configsSurviveJsonExactly() {
        ModelConfig m = Tiny.config("iern", "attention");
        String text = Json.pretty(m.toMap());
        assertEquals(m, ModelConfig.fromMap(Json.parseObject(text, "test"), "test"));
        TrainConfig t = TrainConfig.paper(42);
        assertEquals(t, TrainConfig.fromMap(Json.parseObject(Json.write(t.toMap()), "test"), "test"));
        assertEquals(160, t.epochs());
        assertEquals(0.2, t.schedule().factor(0), 1e-12);
        assertEquals(1.0 / 141, t.schedule().factor(159), 1e-12);
    }

    @Test
    void jsonRoundTripOfNestedValues() {
        Object v = Json.parse("{\"a\": [1, 2.5, -3e2, true, null, \"x\\\"y\\n\"], \"b\": {}}", "t");
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, 2.5, -300.0, true, null, "x\"y\n"), "b", Map.of()), v);
        assertEquals(v, Json.parse(Json.write(v), "t"));
        assertEquals(v, Json.parse(Json.pretty(v), "t"));
    }

    @Test
    void badJsonNamesSourceLineAndExpectation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.parse("{\n \"a\": 1,\n \"b\" 2}", "run/checkpoint.json"));
        assertTrue(e.getMessage().startsWith("run/checkpoint.json: bad JSON at line 3, column 6 (character 16): "),
                e.getMessage());
        assertTrue(e.getMessage().contains("'2'") && e.getMessage().contains("colon"), e.getMessage());
    }

    @Test
    void missingOrWrongKeysAreNamed() {
        Map<String, Object> map = new java.util.LinkedHashMap<>(Tiny.config("iern", "uniform").toMap());
        map.remove("backbone");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromMap(map, "f.json"));
        assertEquals("f.json: missing key 'backbone'", e.getMessage());
        map.put("backbone", "resnet18");
        map.put("feat_channels", "wide");
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromMap(map, "f.json"));
        assertEquals("f.json: key 'feat_channels' should be an integer, found \"wide\"", e.getMessage());
    }

    @Test
    void invalidSettingsAreRefusedWithReasons() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelConfig(iern.model.Method.IERN,
                "resnet101", 1, 512, 224, ModelConfig.MIX_EMOTIONS, ModelConfig.MIX_SOURCES, 2, 3, 3, iern.model.InterventionMode.UNIFORM, null, 64));
        assertTrue(e.getMessage().contains("resnet101"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelConfig(iern.model.Method.IERN,
                "resnet18", 1, 40, 224, ModelConfig.MIX_EMOTIONS, List.of("a"), 2, 3, 3, iern.model.InterventionMode.UNIFORM, null, 64));
        assertTrue(e.getMessage().contains("multiple of 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0, 0, 0, 8, 1e-3, 1e-3, 0.5, 0.999, 5e-4, 1, "none"));
        assertTrue(e.getMessage().contains("at least one epoch"), e.getMessage());
        // one set of bounds for options and files; a refusal starts with the fields it concerns
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0, 1, 0, 8, 1.5, 1e-3, 0.5, 0.999, 5e-4, 1, "none"));
        assertTrue(e.getMessage().startsWith("lr 1.5 / base_lr 0.001: expected rates in (0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0, 1, 0, 8192, 1e-3, 1e-3, 0.5, 0.999, 5e-4, 1, "none"));
        assertTrue(e.getMessage().startsWith("batch_size 8192: expected a number from 2 to 4096"), e.getMessage());
    }
}
