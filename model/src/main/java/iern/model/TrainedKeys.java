package iern.model;

import iern.data.Sample;
import iern.engine.InvalidInput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which images a run trained on, compact enough for a checkpoint's metadata: the sorted 64-bit
 * hashes (the first 8 bytes of SHA-256) of the training samples' keys, base64 in the provenance
 * field {@value #FIELD}. It lets {@code iern eval} count how many images of a test split were in
 * a checkpoint's training data. At most {@value #MAX_KEYS} keys are recorded (about 2.8 MB of
 * text); a larger training set records nothing, like a checkpoint made before this field.
 */
public final class TrainedKeys {
    /** The provenance field ({@link RunData#provenance}, a checkpoint's {@code data}). */
    public static final String FIELD = "train_keys";
    public static final int MAX_KEYS = 1 << 18;
    private static final String PREFIX = "sha256-64:";

    private TrainedKeys() {}

    /** The 64-bit hash of one sample key. */
    public static long hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The field's value for these training samples, or null when there are more than {@link #MAX_KEYS}. */
    static String encode(Collection<Sample> trained) {
        if (trained.size() > MAX_KEYS) {
            return null;
        }
        long[] h = trained.stream().map(Sample::key).distinct().mapToLong(TrainedKeys::hash).sorted().distinct().toArray();
        ByteBuffer b = ByteBuffer.allocate(8 * h.length);
        for (long v : h) {
            b.putLong(v);
        }
        return PREFIX + Base64.getEncoder().encodeToString(b.array());
    }

    /**
     * The sorted hashes a checkpoint's {@code data} records, or null when it records none (made
     * before the field, or over {@link #MAX_KEYS}); a damaged field is refused naming {@code source}.
     */
    public static long[] of(Map<String, Object> data, String source) {
        Object v = data.get(FIELD);
        if (v == null) {
            return null;
        }
        String bad = source + ": '" + FIELD + "' is damaged; expected '" + PREFIX + "' and base64 of sorted 8-byte hashes";
        if (!(v instanceof String s) || !s.startsWith(PREFIX)) {
            throw new InvalidInput(bad);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(s.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(bad);
        }
        if (bytes.length % 8 != 0 || bytes.length / 8 > MAX_KEYS) {
            throw new InvalidInput(bad);
        }
        long[] h = new long[bytes.length / 8];
        ByteBuffer.wrap(bytes).asLongBuffer().get(h);
        for (int i = 1; i < h.length; i++) {
            if (h[i - 1] >= h[i]) {
                throw new InvalidInput(bad);
            }
        }
        return h;
    }

    /** How many of {@code keys} (each counted once) are among the sorted {@code trained} hashes. */
    public static int overlap(long[] trained, List<String> keys) {
        return (int) keys.stream().distinct().mapToLong(TrainedKeys::hash)
                .filter(h -> Arrays.binarySearch(trained, h) >= 0).count();
    }

    /** {@code data} without the hashes, for messages that print it. */
    public static Map<String, Object> withoutKeys(Map<String, Object> data) {
        Map<String, Object> m = new LinkedHashMap<>(data);
        m.remove(FIELD);
        return m;
    }
}
