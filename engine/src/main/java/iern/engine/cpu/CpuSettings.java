package iern.engine.cpu;

/**
 * The CPU backend's settings, read once from system properties when the backend first runs:
 * {@code -Diern.threads=N} (worker threads, default all cores) and {@code -Diern.simd=false} (the
 * plain-Java loops instead of {@code jdk.incubator.vector} for every kernel: GEMM, convolution,
 * batch norm, pooling, elementwise and the optimisers; for machines or JDKs without SIMD).
 */
public final class CpuSettings {
    private CpuSettings() {}

    public static final boolean SIMD = !"false".equals(System.getProperty("iern.simd"));

    public static final int THREADS = Math.max(1, Integer.getInteger("iern.threads",
            Runtime.getRuntime().availableProcessors()));
}
