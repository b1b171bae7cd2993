package iern.engine.cpu;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Unary;
import iern.engine.RandomBits;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise CPU kernels: strided copy, broadcasting binary ops, unary ops and their
 * derivatives, and the counter-based uniform generator. Every output element is computed by
 * exactly one thread from its own inputs, so results never depend on the thread count.
 */
final class CpuElementwise {
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SP.length();
    private CpuElementwise() {}

    private static final int GRAIN = 1 << 14;

    static void copy(float[] src, long srcOff, long[] srcStrides, float[] dst, long dstOff, long[] dstStrides,
                     int[] shape, boolean accumulate) {
        StridedLoop loop = new StridedLoop(shape, srcStrides, dstStrides);
        int inner = loop.inner();
        int ss = (int) loop.innerStride(0);
        int ds = (int) loop.innerStride(1);
        if (loop.rows() == 1) {
            // One long row (every contiguous copy merges into one): split the row, not the rows.
            int s0 = (int) srcOff, d0 = (int) dstOff;
            Parallel.forRange(inner, GRAIN, (i0, i1) -> copyRow(src, s0 + i0 * ss, ss, dst, d0 + i0 * ds, ds,
                    i1 - i0, accumulate));
            return;
        }
        Parallel.forRange(loop.rows(), Math.max(1, GRAIN / Math.max(1, inner)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                copyRow(src, (int) (srcOff + loop.rowOffset(0, r)), ss, dst, (int) (dstOff + loop.rowOffset(1, r)),
                        ds, inner, accumulate);
            }
        });
    }

    private static void copyRow(float[] src, int s, int ss, float[] dst, int d, int ds, int inner,
                                boolean accumulate) {
        if (accumulate && ss == 1 && ds == 1) {
            // Gradient accumulation (addInPlace): a plain indexed loop, which C2 vectorises.
            for (int i = 0; i < inner; i++) {
                dst[d + i] += src[s + i];
            }
        } else if (accumulate) {
            for (int i = 0; i < inner; i++, s += ss, d += ds) {
                dst[d] += src[s];
            }
        } else if (ss == 1 && ds == 1) {
            System.arraycopy(src, s, dst, d, inner);
        } else {
            for (int i = 0; i < inner; i++, s += ss, d += ds) {
                dst[d] = src[s];
            }
        }
    }

    static void binary(Binary op, float[] a, long aOff, long[] aStrides, float[] b, long bOff, long[] bStrides,
                       float[] out, long outOff, int[] shape) {
        long[] outStrides = new long[shape.length];
        long st = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            outStrides[d] = st;
            st *= shape[d];
        }
        StridedLoop loop = new StridedLoop(shape, aStrides, bStrides, outStrides);
        int inner = loop.inner();
        int as = (int) loop.innerStride(0);
        int bs = (int) loop.innerStride(1);
        if (loop.rows() == 1) {
            // Same-shape operands merge into one long row: split the row, not the rows.
            int a0 = (int) aOff, b0 = (int) bOff, o0 = (int) outOff;
            Parallel.forRange(inner, GRAIN, (i0, i1) -> binaryRow(op, a, a0 + i0 * as, as, b, b0 + i0 * bs, bs,
                    out, o0 + i0, i1 - i0));
            return;
        }
        Parallel.forRange(loop.rows(), Math.max(1, GRAIN / Math.max(1, inner)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ai = (int) (aOff + loop.rowOffset(0, r));
                int bi = (int) (bOff + loop.rowOffset(1, r));
                int oi = (int) (outOff + loop.rowOffset(2, r));
                binaryRow(op, a, ai, as, b, bi, bs, out, oi, inner);
            }
        });
    }

    private static void binaryRow(Binary op, float[] a, int ai, int as, float[] b, int bi, int bs,
                                  float[] out, int oi, int n) {
        if (as == 1 && bs == 1 && contiguousRow(op, a, ai, b, bi, out, oi, n)) {
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] + b[bi]; }
            case SUB -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] - b[bi]; }
            case MUL -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] * b[bi]; }
            case DIV -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] / b[bi]; }
            case MAX -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = Math.max(a[ai], b[bi]); }
            case MIN -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = Math.min(a[ai], b[bi]); }
            case POW -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = (float) Math.pow(a[ai], b[bi]); }
            case EQ -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] == b[bi] ? 1f : 0f; }
            case GT -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] > b[bi] ? 1f : 0f; }
            case GE -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] >= b[bi] ? 1f : 0f; }
        }
    }

    /** Unit-stride rows of the hottest ops as plain indexed loops, which C2 vectorises. */
    private static boolean contiguousRow(Binary op, float[] a, int ai, float[] b, int bi, float[] out, int oi, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) out[oi + i] = a[ai + i] + b[bi + i]; }
            case SUB -> { for (int i = 0; i < n; i++) out[oi + i] = a[ai + i] - b[bi + i]; }
            case MUL -> { for (int i = 0; i < n; i++) out[oi + i] = a[ai + i] * b[bi + i]; }
            default -> { return false; }
        }
        return true;
    }

    static void unary(Unary op, float[] x, int xOff, float[] y, int yOff, int n, float a, float b) {
        Parallel.forRange(n, GRAIN, (i0, i1) -> unaryRange(op, x, xOff, y, yOff, i0, i1, a, b));
    }

    private static void unaryRange(Unary op, float[] x, int xo, float[] y, int yo, int i0, int i1, float a, float b) {
        if (Sgemm.SIMD && (op == Unary.RELU || op == Unary.LEAKY_RELU)) {
            // Masked selects: as a loop, v > 0 ? v : 0 is a branch on data, mispredicted half the time.
            boolean relu = op == Unary.RELU;
            int i = i0;
            for (; i + LANES <= i1; i += LANES) {
                FloatVector v = FloatVector.fromArray(SP, x, xo + i);
                // ReLU zeroes where x <= 0, so NaN passes through (as PyTorch) and the loss guard sees it.
                (relu ? v.blend(0f, v.compare(VectorOperators.LE, 0f))
                        : v.mul(a).blend(v, v.compare(VectorOperators.GT, 0f))).intoArray(y, yo + i);
            }
            i0 = i;
        }
        switch (op) {
            case NEG -> { for (int i = i0; i < i1; i++) y[yo + i] = -x[xo + i]; }
            case EXP -> { for (int i = i0; i < i1; i++) y[yo + i] = (float) Math.exp(x[xo + i]); }
            case LOG -> { for (int i = i0; i < i1; i++) y[yo + i] = (float) Math.log(x[xo + i]); }
            case SQRT -> { for (int i = i0; i < i1; i++) y[yo + i] = (float) Math.sqrt(x[xo + i]); }
            case RSQRT -> { for (int i = i0; i < i1; i++) y[yo + i] = (float) (1.0 / Math.sqrt(x[xo + i])); }
            case ABS -> { for (int i = i0; i < i1; i++) y[yo + i] = Math.abs(x[xo + i]); }
            case SQUARE -> { for (int i = i0; i < i1; i++) { float v = x[xo + i]; y[yo + i] = v * v; } }
            case RECIPROCAL -> { for (int i = i0; i < i1; i++) y[yo + i] = 1f / x[xo + i]; }
            case RELU -> { for (int i = i0; i < i1; i++) { float v = x[xo + i]; y[yo + i] = v <= 0f ? 0f : v; } }
            case SIGMOID -> { for (int i = i0; i < i1; i++) y[yo + i] = sigmoid(x[xo + i]); }
            case TANH -> { for (int i = i0; i < i1; i++) y[yo + i] = (float) Math.tanh(x[xo + i]); }
            case LEAKY_RELU -> { for (int i = i0; i < i1; i++) { float v = x[xo + i]; y[yo + i] = v > 0f ? v : v * a; } }
            case POW_SCALAR -> { for (int i = i0; i < i1; i++) y[yo + i] = (float) Math.pow(x[xo + i], a); }
            case CLAMP -> { for (int i = i0; i < i1; i++) y[yo + i] = Math.min(Math.max(x[xo + i], a), b); }
            case ADD_SCALAR -> { for (int i = i0; i < i1; i++) y[yo + i] = x[xo + i] + a; }
            case MUL_SCALAR -> { for (int i = i0; i < i1; i++) y[yo + i] = x[xo + i] * a; }
        }
    }

    static float sigmoid(float v) {
        // Split by sign so exp never overflows.
        if (v >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-v)));
        }
        double e = Math.exp(v);
        return (float) (e / (1.0 + e));
    }

    static void unaryBackward(Unary op, float[] x, float[] y, float[] dy, float[] dx, int n, float a, float b,
                              boolean acc) {
        Parallel.forRange(n, GRAIN, (i0, i1) -> {
            int i = i0;
            boolean relu = op == Unary.RELU;
            if (relu || op == Unary.LEAKY_RELU) {
                // Masked lanes, not branches: the sign of x is data, and C2 compiles the plain
                // loop to a branch per element, mispredicted half the time (~10x slower).
                // Where x <= 0 (or NaN) ReLU passes exactly 0, LeakyReLU a * dy.
                if (Sgemm.SIMD) {
                    for (; i + LANES <= i1; i += LANES) {
                        FloatVector d = FloatVector.fromArray(SP, dy, i);
                        VectorMask<Float> pos = FloatVector.fromArray(SP, x, i).compare(VectorOperators.GT, 0f);
                        FloatVector g = (relu ? FloatVector.zero(SP) : d.mul(a)).blend(d, pos);
                        (acc ? g.add(FloatVector.fromArray(SP, dx, i)) : g).intoArray(dx, i);
                    }
                }
                for (; i < i1; i++) {
                    float d = dy[i];
                    float g = x[i] > 0f ? d : relu ? 0f : d * a;
                    dx[i] = acc ? dx[i] + g : g;
                }
                return;
            }
            for (; i < i1; i++) {
                float g = dy[i] * derivative(op, x, y, i, a, b);
                dx[i] = acc ? dx[i] + g : g;
            }
        });
    }

    /** d op(x) / dx at element i; uses the forward output where that is cheaper and exact. */
    static float derivative(Unary op, float[] x, float[] y, int i, float a, float b) {
        return switch (op) {
            case NEG -> -1f;
            case EXP -> y[i];
            case LOG -> 1f / x[i];
            case SQRT -> 0.5f / y[i];
            case RSQRT -> -0.5f * y[i] * y[i] * y[i];
            case ABS -> Math.signum(x[i]);
            case SQUARE -> 2f * x[i];
            case RECIPROCAL -> -y[i] * y[i];
            case RELU -> x[i] > 0f ? 1f : 0f;
            case SIGMOID -> y[i] * (1f - y[i]);
            case TANH -> 1f - y[i] * y[i];
            case LEAKY_RELU -> x[i] > 0f ? 1f : a;
            case POW_SCALAR -> a == 0f ? 0f : (float) (a * Math.pow(x[i], a - 1.0));
            case CLAMP -> x[i] >= a && x[i] <= b ? 1f : 0f;
            case ADD_SCALAR -> 1f;
            case MUL_SCALAR -> a;
        };
    }

    static void randomUniform(float[] dst, int off, int n, long seed) {
        Parallel.forRange(n, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                dst[off + i] = RandomBits.uniform(seed, i);
            }
        });
    }
}
