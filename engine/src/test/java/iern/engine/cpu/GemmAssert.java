package iern.engine.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Shared helpers for the GEMM and convolution tests: random data and tolerance checks. */
final class GemmAssert {

    private GemmAssert() {}

    static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /**
     * Fails when some |actual - expected| exceeds abs + rel * |expected| (scaled by the
     * reduction length, since float rounding grows with it), listing the first mismatches.
     */
    static void assertClose(String what, float[] expected, float[] actual, int reduction) {
        double abs = 1e-5 * Math.sqrt(Math.max(1, reduction));
        double rel = 1e-4;
        StringBuilder sb = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= abs + rel * Math.abs(e);
            if (!ok) {
                if (bad < 8) {
                    sb.append("\n  [").append(i).append("] expected ").append(e).append(" got ").append(a);
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements differ (abs " + abs
                    + ", rel " + rel + "), first:" + sb);
        }
    }
}
