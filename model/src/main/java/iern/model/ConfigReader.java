package iern.model;

import iern.engine.InvalidInput;
import iern.engine.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Typed reads from a parsed JSON object, with errors that name the file and the key. */
final class ConfigReader {
    private final Map<String, Object> map;
    private final String source;

    ConfigReader(Map<String, Object> map, String source) {
        this.map = map;
        this.source = source;
    }

    private Object get(String key) {
        if (!map.containsKey(key)) {
            throw new InvalidInput(source + ": missing key '" + key + "'");
        }
        return map.get(key);
    }

    private IllegalArgumentException wrong(String key, String expected) {
        return new InvalidInput(source + ": key '" + key + "' should be " + expected + ", found "
                + iern.data.Printable.of(Json.write(map.get(key))));
    }

    String string(String key) {
        if (get(key) instanceof String s) {
            return s;
        }
        throw wrong(key, "a string");
    }

    double number(String key) {
        if (get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw wrong(key, "a number");
    }

    int integer(String key) {
        if (get(key) instanceof Long n && n == n.intValue()) {
            return n.intValue();
        }
        throw wrong(key, "an integer");
    }

    long longValue(String key) {
        if (get(key) instanceof Long n) {
            return n;
        }
        throw wrong(key, "an integer");
    }

    boolean bool(String key) {
        if (get(key) instanceof Boolean b) {
            return b;
        }
        throw wrong(key, "true or false");
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String key) {
        if (get(key) instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw wrong(key, "an array");
    }

    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (Object o : list(key)) {
            if (!(o instanceof String s)) {
                throw wrong(key, "an array of strings");
            }
            out.add(s);
        }
        return out;
    }
}
