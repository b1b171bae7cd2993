package iern.engine.cpu;

/**
 * Prepares an N-d strided iteration for the CPU kernels: drops size-1 axes and merges
 * neighbouring axes that are contiguous in every operand, so the common cases (contiguous
 * copies, bias broadcasts) become one or two long loops.
 */
final class StridedLoop {
    private static final int MAX_RANK = 8;
    private static final int MAX_OPERANDS = 3;

    /**
     * One loop per thread for each operand count, reset by every call: an elementwise kernel
     * runs once per tensor op, thousands of times a training step, and its plan is read only
     * until the kernel returns (the pool's workers read it while the caller waits).
     */
    private static final ThreadLocal<StridedLoop[]> PER_THREAD = ThreadLocal.withInitial(
            () -> new StridedLoop[] {new StridedLoop(), new StridedLoop()});

    int rank;
    final int[] shape = new int[MAX_RANK];
    final long[][] strides = new long[MAX_OPERANDS][MAX_RANK];

    private StridedLoop() {}

    /** This thread's two-operand loop over {@code shape}, source then destination strides. */
    static StridedLoop of(int[] shape, long[] s0, long[] s1) {
        return PER_THREAD.get()[0].plan(shape, 2, s0, s1, null);
    }

    /** This thread's three-operand loop (two inputs, one output). */
    static StridedLoop of(int[] shape, long[] s0, long[] s1, long[] s2) {
        return PER_THREAD.get()[1].plan(shape, 3, s0, s1, s2);
    }

    /** {@code s0..s2} are the strides of the operands over {@code in}. */
    private StridedLoop plan(int[] in, int ops, long[] s0, long[] s1, long[] s2) {
        for (int j = 0; j < ops; j++) {
            long[] s = j == 0 ? s0 : j == 1 ? s1 : s2;
            if (s.length != in.length) {
                throw new IllegalArgumentException("strided loop: shape rank " + in.length
                        + " but strides of rank " + s.length);
            }
        }
        if (in.length > MAX_RANK) {
            throw new IllegalArgumentException("strided loop: rank " + in.length + " exceeds " + MAX_RANK);
        }
        int[] sh = shape;
        long[][] st = strides;
        int r = 0;
        for (int d = 0; d < in.length; d++) {
            if (in[d] < 0) {
                throw new IllegalArgumentException("strided loop: negative extent in shape");
            }
            if (in[d] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int j = 0; j < ops && merge; j++) {
                merge = st[j][r - 1] == stride(j, d, s0, s1, s2) * in[d];
            }
            if (merge) {
                sh[r - 1] *= in[d];
                for (int j = 0; j < ops; j++) {
                    st[j][r - 1] = stride(j, d, s0, s1, s2);
                }
            } else {
                sh[r] = in[d];
                for (int j = 0; j < ops; j++) {
                    st[j][r] = stride(j, d, s0, s1, s2);
                }
                r++;
            }
        }
        for (int d = 0; d < in.length; d++) {
            if (in[d] == 0) {
                r = 1;
                sh[0] = 0;
            }
        }
        if (r == 0) {
            r = 1;
            sh[0] = 1;
            for (int j = 0; j < ops; j++) {
                st[j][0] = 0;
            }
        }
        this.rank = r;
        return this;
    }

    private static long stride(int j, int d, long[] s0, long[] s1, long[] s2) {
        return (j == 0 ? s0 : j == 1 ? s1 : s2)[d];
    }

    /** Length of the innermost axis. */
    int inner() {
        return shape[rank - 1];
    }

    /** Number of innermost rows. */
    int rows() {
        long n = 1;
        for (int d = 0; d < rank - 1; d++) {
            n *= shape[d];
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("strided loop: too many rows " + n);
        }
        return (int) n;
    }

    /** Offset of operand {@code op} at the start of row {@code row}. */
    long rowOffset(int op, int row) {
        long off = 0;
        long[] s = strides[op];
        for (int d = rank - 2; d >= 0; d--) {
            int i = row % shape[d];
            row /= shape[d];
            off += i * s[d];
        }
        return off;
    }

    long innerStride(int op) {
        return strides[op][rank - 1];
    }
}
