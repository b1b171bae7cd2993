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
 *
 * <p>Unary and binary ops run the op table's formulas ({@link Unary}, {@link Binary}) in
 * per-op loop copies ({@link PerOpClasses}). Hand-written fast paths remain for the hot ops
 * only: ReLU and LeakyReLU in SIMD (a select, not a branch on the sign of each element; their
 * tails run the table) and add, sub and mul in float.
 */
final class CpuElementwise {
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SP.length();
    private CpuElementwise() {}

    private static final int GRAIN = 1 << 14;

    /** The loops of one unary op ({@link UnaryLoop}, one copy per op). */
    interface UnaryKernel {
        /** {@code y[yo + i] = f(x[xo + i])} for {@code i0 <= i < i1}. */
        void forward(float[] x, int xo, float[] y, int yo, int i0, int i1, float a, float b);

        /** {@code dx[i] (+)= dy[i] f'(x[i])} for {@code i0 <= i < i1}, given {@code y = f(x)}. */
        void backward(float[] x, float[] y, float[] dy, float[] dx, int i0, int i1, float a, float b, boolean acc);
    }

    /** The row loops of one binary op ({@link BinaryLoop}, one copy per op). */
    interface BinaryKernel {
        /** {@code out[oi + i] = f(a[ai + i], b[bi + i])} for {@code i < n}. */
        void contiguous(float[] a, int ai, float[] b, int bi, float[] out, int oi, int n);

        /** {@code out[oi + i] = f(a[ai + i as], b[bi + i bs])} for {@code i < n}. */
        void strided(float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int oi, int n);
    }

    private static final UnaryKernel[] UNARY = PerOpClasses.perOp(UnaryLoop.class, UnaryKernel.class, Unary.class);
    private static final BinaryKernel[] BINARY = PerOpClasses.perOp(BinaryLoop.class, BinaryKernel.class,
            Binary.class);

    /** The kernels, for tests. */
    static UnaryKernel kernel(Unary op) {
        return UNARY[op.ordinal()];
    }

    static BinaryKernel kernel(Binary op) {
        return BINARY[op.ordinal()];
    }

    static void copy(float[] src, long srcOff, long[] srcStrides, float[] dst, long dstOff, long[] dstStrides,
                     int[] shape, boolean accumulate) {
        StridedLoop loop = StridedLoop.of(shape, srcStrides, dstStrides);
        int inner = loop.inner();
        int ss = (int) loop.innerStride(0);
        int ds = (int) loop.innerStride(1);
        CopyCall call = COPY.borrow();
        call.set(src, srcOff, ss, dst, dstOff, ds, loop, accumulate);
        try {
            if (loop.rows() == 1) {
                // One long row (every contiguous copy merges into one): split the row, not the rows.
                call.oneRow = true;
                Parallel.forRange(inner, GRAIN, call);
            } else {
                Parallel.forRange(loop.rows(), Math.max(1, GRAIN / Math.max(1, inner)), call);
            }
        } finally {
            call.clear();
            COPY.giveBack(call);
        }
    }

    /*
     * The calls below are the bodies of the parallel ranges, lent one object of each kind per
     * thread to one kernel call at a time (Parallel.Lender), refilled by it and emptied when it
     * returns: a warm training step runs thousands of elementwise kernels, and a capturing lambda
     * per call was garbage. The pool's workers read the fields while the calling thread waits.
     */

    private static final Parallel.Lender<CopyCall> COPY = new Parallel.Lender<>(CopyCall::new);
    private static final Parallel.Lender<BinaryCall> BINARY_CALL = new Parallel.Lender<>(BinaryCall::new);
    private static final Parallel.Lender<UnaryCall> UNARY_CALL = new Parallel.Lender<>(UnaryCall::new);
    private static final Parallel.Lender<UnaryBackwardCall> UNARY_BACKWARD = new Parallel.Lender<>(UnaryBackwardCall::new);

    private static final class CopyCall implements Parallel.RangeBody {
        float[] src;
        float[] dst;
        long srcOff;
        long dstOff;
        int ss;
        int ds;
        StridedLoop loop;
        boolean accumulate;
        boolean oneRow;

        void set(float[] src, long srcOff, int ss, float[] dst, long dstOff, int ds, StridedLoop loop,
                 boolean accumulate) {
            this.src = src;
            this.srcOff = srcOff;
            this.ss = ss;
            this.dst = dst;
            this.dstOff = dstOff;
            this.ds = ds;
            this.loop = loop;
            this.accumulate = accumulate;
            this.oneRow = false;
        }

        void clear() {
            src = null;
            dst = null;
            loop = null;
        }

        @Override
        public void run(int start, int end) {
            if (oneRow) {
                copyRow(src, (int) srcOff + start * ss, ss, dst, (int) dstOff + start * ds, ds, end - start,
                        accumulate);
                return;
            }
            int inner = loop.inner();
            for (int r = start; r < end; r++) {
                copyRow(src, (int) (srcOff + loop.rowOffset(0, r)), ss, dst, (int) (dstOff + loop.rowOffset(1, r)),
                        ds, inner, accumulate);
            }
        }
    }

    private static final class BinaryCall implements Parallel.RangeBody {
        /** Contiguous strides of rank r (written by each call). */
        final long[][] outStrides = new long[9][];
        Binary op;
        BinaryKernel kernel;
        float[] a;
        float[] b;
        float[] out;
        long aOff;
        long bOff;
        long outOff;
        int as;
        int bs;
        StridedLoop loop;
        boolean oneRow;

        BinaryCall() {
            for (int r = 0; r < outStrides.length; r++) {
                outStrides[r] = new long[r];
            }
        }

        void clear() {
            a = null;
            b = null;
            out = null;
            loop = null;
        }

        @Override
        public void run(int start, int end) {
            if (oneRow) {
                row(op, kernel, a, (int) aOff + start * as, as, b, (int) bOff + start * bs, bs, out,
                        (int) outOff + start, end - start);
                return;
            }
            int inner = loop.inner();
            for (int r = start; r < end; r++) {
                int ai = (int) (aOff + loop.rowOffset(0, r));
                int bi = (int) (bOff + loop.rowOffset(1, r));
                int oi = (int) (outOff + loop.rowOffset(2, r));
                row(op, kernel, a, ai, as, b, bi, bs, out, oi, inner);
            }
        }
    }

    private static final class UnaryCall implements Parallel.RangeBody {
        Unary op;
        float[] x;
        float[] y;
        int xOff;
        int yOff;
        float a;
        float b;

        @Override
        public void run(int start, int end) {
            unaryRange(op, x, xOff, y, yOff, start, end, a, b);
        }
    }

    private static final class UnaryBackwardCall implements Parallel.RangeBody {
        Unary op;
        float[] x;
        float[] y;
        float[] dy;
        float[] dx;
        float a;
        float b;
        boolean acc;

        @Override
        public void run(int start, int end) {
            unaryBackwardRange(op, x, y, dy, dx, start, end, a, b, acc);
        }
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
        BinaryCall call = BINARY_CALL.borrow();
        try {
            long[] outStrides = shape.length < call.outStrides.length ? call.outStrides[shape.length]
                    : new long[shape.length];
            long st = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                outStrides[d] = st;
                st *= shape[d];
            }
            StridedLoop loop = StridedLoop.of(shape, aStrides, bStrides, outStrides);
            int inner = loop.inner();
            call.op = op;
            call.kernel = BINARY[op.ordinal()];
            call.a = a;
            call.b = b;
            call.out = out;
            call.aOff = aOff;
            call.bOff = bOff;
            call.outOff = outOff;
            call.as = (int) loop.innerStride(0);
            call.bs = (int) loop.innerStride(1);
            call.loop = loop;
            // Same-shape operands merge into one long row: split the row, not the rows.
            call.oneRow = loop.rows() == 1;
            if (call.oneRow) {
                Parallel.forRange(inner, GRAIN, call);
            } else {
                Parallel.forRange(loop.rows(), Math.max(1, GRAIN / Math.max(1, inner)), call);
            }
        } finally {
            call.clear();
            BINARY_CALL.giveBack(call);
        }
    }

    private static void row(Binary op, BinaryKernel kernel, float[] a, int ai, int as, float[] b, int bi, int bs,
                            float[] out, int oi, int n) {
        if (floatRow(op, a, ai, as, b, bi, bs, out, oi, n)) {
            return;
        }
        if (as == 1 && bs == 1) {
            kernel.contiguous(a, ai, b, bi, out, oi, n);
        } else {
            kernel.strided(a, ai, as, b, bi, bs, out, oi, n);
        }
    }

    /**
     * The hottest ops (bias and residual adds, gradient products) in float: the table's double
     * formula costs a quarter to a half more here, and for + - * the result is the same bits.
     * Unit strides get plain indexed loops, which C2 vectorises.
     */
    private static boolean floatRow(Binary op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] out,
                                    int oi, int n) {
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) out[oi + i] = a[ai + i] + b[bi + i]; }
                case SUB -> { for (int i = 0; i < n; i++) out[oi + i] = a[ai + i] - b[bi + i]; }
                case MUL -> { for (int i = 0; i < n; i++) out[oi + i] = a[ai + i] * b[bi + i]; }
                default -> { return false; }
            }
            return true;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] + b[bi]; }
            case SUB -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] - b[bi]; }
            case MUL -> { for (int i = 0; i < n; i++, ai += as, bi += bs) out[oi + i] = a[ai] * b[bi]; }
            default -> { return false; }
        }
        return true;
    }

    static void unary(Unary op, float[] x, int xOff, float[] y, int yOff, int n, float a, float b) {
        UnaryCall call = UNARY_CALL.borrow();
        call.op = op;
        call.x = x;
        call.xOff = xOff;
        call.y = y;
        call.yOff = yOff;
        call.a = a;
        call.b = b;
        try {
            Parallel.forRange(n, GRAIN, call);
        } finally {
            call.x = null;
            call.y = null;
            UNARY_CALL.giveBack(call);
        }
    }

    private static void unaryRange(Unary op, float[] x, int xo, float[] y, int yo, int i0, int i1, float a, float b) {
        if (CpuSettings.SIMD && (op == Unary.RELU || op == Unary.LEAKY_RELU)) {
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
        UNARY[op.ordinal()].forward(x, xo, y, yo, i0, i1, a, b);
    }

    /**
     * {@code dx (+)= dy * op'(x)} with the op table's derivative, given the forward output y;
     * y may be null, then it is recomputed from x. ReLU and LeakyReLU take SIMD paths first.
     */
    static void unaryBackward(Unary op, float[] x, float[] yOrNull, float[] dy, float[] dx, int n, float a, float b,
                              boolean acc) {
        float[] y = yOrNull != null ? yOrNull : new float[n];
        if (yOrNull == null) {
            unary(op, x, 0, y, 0, n, a, b);
        }
        UnaryBackwardCall call = UNARY_BACKWARD.borrow();
        call.op = op;
        call.x = x;
        call.y = y;
        call.dy = dy;
        call.dx = dx;
        call.a = a;
        call.b = b;
        call.acc = acc;
        try {
            Parallel.forRange(n, GRAIN, call);
        } finally {
            call.x = null;
            call.y = null;
            call.dy = null;
            call.dx = null;
            UNARY_BACKWARD.giveBack(call);
        }
    }

    private static void unaryBackwardRange(Unary op, float[] x, float[] y, float[] dy, float[] dx, int i0, int i1,
                                           float a, float b, boolean acc) {
        int i = i0;
        boolean relu = op == Unary.RELU;
        if (CpuSettings.SIMD && (relu || op == Unary.LEAKY_RELU)) {
            // Masked lanes, not branches: the sign of x is data, and C2 compiles the plain
            // loop to a branch per element, mispredicted half the time (~10x slower).
            // Where x <= 0 (or NaN) ReLU passes exactly 0, LeakyReLU a * dy.
            for (; i + LANES <= i1; i += LANES) {
                FloatVector d = FloatVector.fromArray(SP, dy, i);
                VectorMask<Float> pos = FloatVector.fromArray(SP, x, i).compare(VectorOperators.GT, 0f);
                FloatVector g = (relu ? FloatVector.zero(SP) : d.mul(a)).blend(d, pos);
                (acc ? g.add(FloatVector.fromArray(SP, dx, i)) : g).intoArray(dx, i);
            }
        }
        UNARY[op.ordinal()].backward(x, y, dy, dx, i, i1, a, b, acc);
    }

    static void randomUniform(float[] dst, int off, int n, long seed) {
        Parallel.forRange(n, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                dst[off + i] = RandomBits.uniform(seed, i);
            }
        });
    }
}
