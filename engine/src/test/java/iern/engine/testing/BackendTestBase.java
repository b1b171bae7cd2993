package iern.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import iern.engine.Backend;
import iern.engine.RandomBits;
import iern.engine.Storage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;

/**
 * What the shared backend test bodies ({@link BackendConformance}, {@link OpConformance}) have in
 * common: the backend under test, storages released after each test, reproducible inputs.
 */
public abstract class BackendTestBase {
    /** The backend under test (may be the same instance for every test). */
    protected abstract Backend backend();

    private final List<Storage> live = new ArrayList<>();

    @AfterEach
    void releaseStorages() {
        for (Storage s : live) {
            s.close();
        }
        live.clear();
    }

    // ---------------------------------------------------------------- helpers

    protected Storage put(float[] v) {
        Storage s = backend().allocate(v.length);
        live.add(s);
        if (v.length > 0) {
            backend().write(s, 0, v, 0, v.length);
        }
        return s;
    }

    protected Storage zeros(int n) {
        Storage s = backend().allocate(n);
        live.add(s);
        return s;
    }

    protected float[] get(Storage s) {
        float[] v = new float[(int) s.size()];
        backend().read(s, 0, v, 0, v.length);
        return v;
    }

    /** Reproducible values in [lo, hi). */
    protected static float[] values(long seed, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * RandomBits.uniform(seed, i);
        }
        return v;
    }

    /** {@code call} is refused with exactly {@code message}. */
    protected static void assertRefused(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, message);
        assertEquals(message, e.getMessage());
    }
}
