package iern.kernels.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import iern.engine.Backend;
import iern.engine.Storage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Opens the OpenCL backend for a test. Without a platform the test is skipped, unless the
 * build runs with {@code -Diern.require=opencl} (CI), where a missing platform fails it: a
 * silently skipped suite must not look green.
 */
final class OpenClTestSupport {
    private OpenClTestSupport() {}

    static boolean required() {
        return System.getProperty("iern.require", "").contains("opencl");
    }

    static Backend openOrSkip() {
        OpenClBackendProvider provider = new OpenClBackendProvider();
        if (!provider.available()) {
            if (required()) {
                fail("iern.require=opencl but OpenCL is not available: " + provider.unavailableReason());
            }
            Assumptions.assumeTrue(false, "OpenCL not available: " + provider.unavailableReason());
        }
        return provider.open("opencl");
    }

    static Storage upload(Backend be, float[] host) {
        Storage s = be.allocate(host.length);
        be.write(s, 0, host, 0, host.length);
        return s;
    }

    static float[] download(Backend be, Storage s) {
        float[] host = new float[(int) s.size()];
        be.read(s, 0, host, 0, host.length);
        return host;
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** |actual - expected| <= abs + rel |expected| everywhere; else the first mismatches with their index. */
    static void assertClose(String what, float[] expected, float[] actual, double abs, double rel) {
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
