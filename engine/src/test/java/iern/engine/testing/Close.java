package iern.engine.testing;

import static org.junit.jupiter.api.Assertions.fail;

/** Tolerance checks: element i passes when {@code |a - e| <= abs + rel * |e|}; failures list the first mismatches. */
public final class Close {
    private Close() {}

    private static final int SHOWN = 8;

    public static void assertClose(String what, float[] expected, float[] actual, double abs, double rel) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        StringBuilder bad = new StringBuilder();
        int count = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            double err = Math.abs(a - e);
            boolean ok = (Double.isNaN(e) && Double.isNaN(a)) || (e == a) || err <= abs + rel * Math.abs(e);
            if (!ok) {
                if (count < SHOWN) {
                    bad.append(String.format("%n  [%d] expected %.8g, got %.8g (diff %.3g)", i, e, a, err));
                }
                count++;
                worst = Double.isNaN(err) ? Double.NaN : Math.max(worst, err);
            }
        }
        if (count > 0) {
            fail(String.format("%s: %d of %d values differ (abs %.1g + rel %.1g; worst diff %.3g); first:%s", what,
                    count, expected.length, abs, rel, worst, bad));
        }
    }

    public static void assertClose(String what, double[] expected, float[] actual, double abs, double rel) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
        }
        assertClose(what, e, actual, abs, rel);
    }
}
