package iern.bench;

import iern.engine.io.Json;
import iern.model.StepLosses;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.util.Arrays;

/**
 * One whole IERN iteration on the CPU backend (the work of model/IernStepBench and
 * bench/torch/iern_iteration.py): wall and process-CPU seconds per iteration (median and
 * extremes) and bytes allocated per iteration. On a shared machine process CPU time is the
 * steadier figure. Arguments: {@code r18_64|r18_224|r50_224 ITERS [batched|separate] [WARMUP]}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xms6g -Xmx6g -XX:+UseTransparentHugePages -Diern.threads=2 \
 *   -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=src/jit-directives.json \
 *   -cp bench/target/benchmarks.jar iern.bench.IernIterationTiming r18_224 3 batched 2
 * </pre>
 * With {@code -Diern.bench.jsonl=FILE} it also appends one JSON line to FILE (suite "iteration", the
 * config as shape, images per second of each timed iteration), the form bench/run.sh and
 * bench/torch/table.py read.
 * The directives file keeps C1 off the GEMM micro-kernel: C1 cannot compile it ("out of virtual
 * registers"), and on a loaded machine the JIT may then leave it at tier 2, where the Vector API
 * is not intrinsified and the iteration runs many times slower.
 */
public final class IernIterationTiming {
    private static void appendJsonLine(Path file, String config, boolean batched, int batch, double[] seconds)
            throws java.io.IOException {
        java.util.List<Double> rates = new java.util.ArrayList<>();
        for (double sec : seconds) {
            rates.add(batch / sec);
        }
        java.util.Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("suite", "iteration");
        line.put("shape", config);
        line.put("op", "iteration");
        line.put("threads", Integer.getInteger("iern.threads", Runtime.getRuntime().availableProcessors()));
        line.put("images_per_s", rates);
        line.put("impl", "iern-j, strata " + (batched ? "batched" : "separate") + ", batch " + batch);
        Files.writeString(file, Json.write(line) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public static void main(String[] a) throws Exception {
        String config = a[0];
        int iters = Integer.parseInt(a[1]);
        boolean batched = a.length < 3 || a[2].equals("batched");
        int warm = a.length > 3 ? Integer.parseInt(a[3]) : 3;
        String spec = System.getProperty("iern.backend");
        if (spec != null) {
            iern.engine.Engine.use(iern.engine.Backends.open(spec, System.out::println));
            System.out.println("backend " + iern.engine.Engine.backend().describe());
        }
        IernIteration it = IernIteration.of(config, batched);
        int batch = IernIteration.BATCH;
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int w = 0; w < warm; w++) it.run();
        double[] t = new double[iters], cpu = new double[iters];
        long alloc0 = mx.getTotalThreadAllocatedBytes();
        StepLosses l = null;
        for (int i = 0; i < iters; i++) {
            long s = System.nanoTime(), c0 = os.getProcessCpuTime();
            l = it.run();
            iern.engine.Engine.backend().synchronize();
            t[i] = (System.nanoTime() - s) / 1e9;
            cpu[i] = (os.getProcessCpuTime() - c0) / 1e9;
        }
        long alloc1 = mx.getTotalThreadAllocatedBytes();
        System.out.println("losses " + l);
        double[] s = t.clone(), cs = cpu.clone();
        Arrays.sort(s); Arrays.sort(cs);
        System.out.printf("%s %s wall median %.3f s (best %.3f, worst %.3f); process CPU median %.3f s (min %.3f, max %.3f); "
                + "alloc/iter %.2f MB; load %s%n  wall %s%n", config, batched ? "batched" : "separate",
                s[iters / 2], s[0], s[iters - 1], cs[iters / 2], cs[0], cs[iters - 1], (alloc1 - alloc0) / 1e6 / iters,
                Files.readString(Path.of("/proc/loadavg")).trim(), Arrays.toString(t));
        String jsonl = System.getProperty("iern.bench.jsonl");
        if (jsonl != null) {
            appendJsonLine(Path.of(jsonl), config, batched, batch, t);
        }
        System.exit(0);
    }
}
