package iern.kernels.gpu;

import static org.junit.jupiter.api.Assertions.fail;

import iern.engine.Backend;
import iern.engine.BackendProvider;
import iern.engine.Storage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helpers shared by the OpenCL and CUDA suites: opening a backend or skipping (failing
 * instead when {@code -Diern.require} names it, so a silently skipped suite cannot look
 * green), copies, random data and a tolerance check that lists the first mismatches.
 */
public final class GpuTestSupport {
    private GpuTestSupport() {}

    /** Whether {@code -Diern.require} (a comma-separated list) names {@code what}. */
    public static boolean required(String what) {
        return java.util.Arrays.asList(System.getProperty("iern.require", "").split(",")).contains(what);
    }

    /** Opens {@code spec} from {@code provider}, or skips (fails under -Diern.require=kind). */
    public static Backend openOrSkip(BackendProvider provider, String spec) {
        if (!provider.available()) {
            if (required(provider.kind())) {
                fail("iern.require=" + provider.kind() + " but " + provider.kind() + " is not available: "
                        + provider.unavailableReason());
            }
            Assumptions.assumeTrue(false, provider.kind() + " not available: " + provider.unavailableReason());
        }
        return provider.open(spec);
    }

    public static Storage upload(Backend be, float[] host) {
        Storage s = be.allocate(host.length);
        be.write(s, 0, host, 0, host.length);
        return s;
    }

    public static float[] download(Backend be, Storage s) {
        float[] host = new float[(int) s.size()];
        be.read(s, 0, host, 0, host.length);
        return host;
    }

    public static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** |actual - expected| <= abs + rel |expected| everywhere; else the first mismatches with their index. */
    public static void assertClose(String what, float[] expected, float[] actual, double abs, double rel) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        StringBuilder bad = new StringBuilder();
        int count = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= abs + rel * Math.abs(e);
            if (!ok) {
                if (count < 8) {
                    bad.append(String.format("%n  [%d] expected %.8g got %.8g", i, e, a));
                }
                count++;
            }
        }
        if (count > 0) {
            fail(what + ": " + count + " of " + expected.length + " elements differ (abs " + abs + ", rel " + rel
                    + "):" + bad);
        }
    }
}
