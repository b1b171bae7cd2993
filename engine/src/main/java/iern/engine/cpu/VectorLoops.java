package iern.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two long-row loops several kernels share (attention, intervention, col2im): a dot product
 * and {@code y += alpha x}. C2 leaves both scalar when written as plain loops (a float chain it
 * may not reorder; two arrays it cannot prove distinct), so they are written with vectors, used
 * when SIMD is on ({@code -Diern.simd=false} keeps the plain loops).
 */
public final class VectorLoops {
    private VectorLoops() {}

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;

    /**
     * {@code sum a[ao+e] b[bo+e]} for e < len: float vector partial sums over blocks of 256, each
     * block added in double. One double chain over a 25k-long feature row was latency-bound (~20x
     * slower than this); blocks keep the float rounding to short sums.
     */
    public static double dot(float[] a, int ao, float[] b, int bo, int len) {
        double s = 0;
        int e = 0;
        if (CpuSettings.SIMD) {
            int lanes = SP.length();
            while (e + lanes <= len) {
                int end = Math.min(len, e + 256);
                FloatVector acc = FloatVector.zero(SP);
                for (; e + lanes <= end; e += lanes) {
                    acc = FloatVector.fromArray(SP, a, ao + e).fma(FloatVector.fromArray(SP, b, bo + e), acc);
                }
                s += acc.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; e < len; e++) {
            s += (double) a[ao + e] * b[bo + e];
        }
        return s;
    }

    /** {@code y[yo+e] += alpha x[xo+e]} for e < len. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int len) {
        int e = 0;
        if (CpuSettings.SIMD) {
            FloatVector av = FloatVector.broadcast(SP, alpha);
            for (int lanes = SP.length(); e + lanes <= len; e += lanes) {
                FloatVector.fromArray(SP, x, xo + e).fma(av, FloatVector.fromArray(SP, y, yo + e)).intoArray(y, yo + e);
            }
        }
        for (; e < len; e++) {
            y[yo + e] += alpha * x[xo + e];
        }
    }
}
