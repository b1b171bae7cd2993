package iern.bench;

import iern.engine.Backend;
import iern.engine.ConvShape;
import iern.engine.Engine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.*;

/**
 * Where one IERN iteration spends its time, kernel by kernel: the CPU backend is wrapped in a
 * proxy that times every call (after warm-up), keyed by method and, for convolutions and GEMMs,
 * by shape. Wall time per call, so it includes the worker pool's wake-up; the sum is compared
 * with the iteration's wall time to show what lies outside the kernels (graph, allocation).
 * Arguments: {@code r18_64|r18_224 ITERS [WARMUP]}; JVM flags as for {@link IernIterationTiming}.
 */
public final class IernIterationProfile {
    private static final Map<String, long[]> TIMES = new HashMap<>();
    private static boolean on;

    public static void main(String[] a) throws Exception {
        int iters = Integer.parseInt(a[1]);
        int warm = a.length > 2 ? Integer.parseInt(a[2]) : 2;
        Backend cpu = Engine.backend();
        Backend timed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (p, m, args) -> {
                    long t0 = System.nanoTime();
                    Object r;
                    try {
                        r = m.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (on) {
                        long dt = System.nanoTime() - t0;
                        long[] acc = TIMES.computeIfAbsent(key(m.getName(), args), k -> new long[2]);
                        acc[0] += dt;
                        acc[1]++;
                    }
                    return r;
                });
        Engine.use(timed);
        IernIteration it = IernIteration.of(a[0], true);
        for (int w = 0; w < warm; w++) it.run();
        on = true;
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) it.run();
        double wall = (System.nanoTime() - t0) / 1e9 / iters;
        on = false;
        double inKernels = 0;
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(TIMES.entrySet());
        rows.sort((p, q) -> Long.compare(q.getValue()[0], p.getValue()[0]));
        for (var r : rows) inKernels += r.getValue()[0] / 1e9 / iters;
        System.out.printf("%s: %.3f s per iteration, %.3f s inside backend calls (%.0f%%)%n", a[0], wall, inKernels,
                100 * inKernels / wall);
        for (var r : rows) {
            double s = r.getValue()[0] / 1e9 / iters;
            if (s < 0.002) break;
            System.out.printf("%7.1f ms %5.1f%% %6d calls  %s%n", s * 1e3, 100 * s / wall, r.getValue()[1] / iters, r.getKey());
        }
        System.exit(0);
    }

    private static String key(String method, Object[] args) {
        if (args == null) return method;
        for (Object o : args) {
            if (o instanceof ConvShape s) {
                return method + " n" + s.n() + " " + s.cIn() + "->" + s.cOut() + " k" + s.kh() + " s" + s.strideH()
                        + " " + s.h() + "x" + s.w();
            }
        }
        if (method.equals("gemm")) {
            return method + " tA" + args[0] + " tB" + args[1] + " b" + args[2] + " m" + args[3] + " n" + args[4]
                    + " k" + args[5];
        }
        return method;
    }
}
