package iern.bench.opencl;

import iern.engine.Backend;
import iern.engine.Backends;
import iern.engine.Storage;

/**
 * The backend a benchmark times ({@code cpu} or {@code opencl[:p:d]}) plus the CPU backend as
 * the reference its result is checked against before anything is timed (the CPU backend
 * itself passes the oracle conformance suite).
 */
final class BackendPair implements AutoCloseable {
    final Backend timed;
    final Backend reference;

    BackendPair(String spec) {
        this.timed = Backends.open(spec, msg -> System.err.println(msg));
        this.reference = spec.equals("cpu") ? timed : Backends.open("cpu", msg -> { });
        System.err.println("bench backend: " + timed.describe());
    }

    Storage upload(Backend be, float[] values) {
        Storage s = be.allocate(values.length);
        be.write(s, 0, values, 0, values.length);
        return s;
    }

    static float[] download(Backend be, Storage s) {
        float[] v = new float[(int) s.size()];
        be.read(s, 0, v, 0, v.length);
        return v;
    }

    static float[] random(int n, long seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * iern.engine.RandomBits.uniform(seed, i) - 1;
        }
        return v;
    }

    /** Fails the benchmark (before timing) when the timed backend disagrees with the reference. */
    static void check(String what, float[] reference, float[] actual, double abs, double rel) {
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < reference.length; i++) {
            double e = reference[i], a = actual[i];
            if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
                if (bad < 5) {
                    first.append(String.format(" [%d] expected %.7g got %.7g", i, e, a));
                }
                bad++;
            }
        }
        if (bad > 0) {
            throw new IllegalStateException(what + ": " + bad + " of " + reference.length
                    + " elements differ from the CPU backend:" + first);
        }
    }

    @Override
    public void close() {
        if (reference != timed) {
            reference.close();
        }
        timed.close();
    }
}
