package iern.bench;

import iern.engine.ConvShape;
import iern.engine.KernelOp;
import java.util.*;

/**
 * Where one IERN iteration spends its time, kernel op by kernel op: a {@link KernelOp.Observer}
 * times every run (after warm-up), keyed by op and, for convolutions, by shape. Wall time per
 * run, so it includes the worker pool's wake-up; the rest of the iteration (the Backend
 * primitives: linear layers' GEMMs, elementwise ops, reductions; the graph) is the remainder.
 * Arguments: {@code r18_64|r18_224|r50_224 ITERS [WARMUP]}; JVM flags as for {@link IernIterationTiming}.
 */
public final class IernIterationProfile {

    public static void main(String[] a) {
        int iters = Integer.parseInt(a[1]);
        int warm = a.length > 2 ? Integer.parseInt(a[2]) : 2;
        IernIteration it = IernIteration.of(a[0], true);
        for (int w = 0; w < warm; w++) it.run();
        long t0 = System.nanoTime();
        Map<String, long[]> times = profile(it, iters);
        double wall = (System.nanoTime() - t0) / 1e9 / iters;
        double inKernels = 0;
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(times.entrySet());
        rows.sort((p, q) -> Long.compare(q.getValue()[0], p.getValue()[0]));
        for (var r : rows) inKernels += r.getValue()[0] / 1e9 / iters;
        System.out.printf("%s: %.3f s per iteration, %.3f s inside kernel ops (%.0f%%)%n", a[0], wall, inKernels,
                100 * inKernels / wall);
        for (var r : rows) {
            double s = r.getValue()[0] / 1e9 / iters;
            if (s < 0.002) break;
            System.out.printf("%7.1f ms %5.1f%% %6d calls  %s%n", s * 1e3, 100 * s / wall, r.getValue()[1] / iters, r.getKey());
        }
        System.exit(0);
    }

    /** Runs {@code iters} iterations; nanoseconds and runs per op key, summed over them. */
    static Map<String, long[]> profile(IernIteration it, int iters) {
        Map<String, long[]> times = new HashMap<>();
        KernelOp.observe((op, params, nanos) -> {
            long[] acc = times.computeIfAbsent(key(op.name(), params), k -> new long[2]);
            acc[0] += nanos;
            acc[1]++;
        });
        try {
            for (int i = 0; i < iters; i++) it.run();
        } finally {
            KernelOp.observe(null);
        }
        return times;
    }

    private static String key(String op, Object params) {
        if (params instanceof ConvShape s) {
            return op + " n" + s.n() + " " + s.cIn() + "->" + s.cOut() + " k" + s.kh() + " s" + s.strideH()
                    + " " + s.h() + "x" + s.w();
        }
        return op;
    }
}
