package iern.engine.cpu;

/**
 * Prepares an N-d strided iteration for the CPU kernels: drops size-1 axes and merges
 * neighbouring axes that are contiguous in every operand, so the common cases (contiguous
 * copies, bias broadcasts) become one or two long loops.
 */
final class StridedLoop {
    final int rank;
    final int[] shape;
    final long[][] strides;

    /** {@code strides[j]} are the strides of operand {@code j} over {@code shape}. */
    StridedLoop(int[] shape, long[]... strides) {
        int ops = strides.length;
        for (long[] s : strides) {
            if (s.length != shape.length) {
                throw new IllegalArgumentException("strided loop: shape rank " + shape.length
                        + " but strides of rank " + s.length);
            }
        }
        if (shape.length > 8) {
            throw new IllegalArgumentException("strided loop: rank " + shape.length + " exceeds 8");
        }
        int[] sh = new int[Math.max(1, shape.length)];
        long[][] st = new long[ops][sh.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException("strided loop: negative extent in shape");
            }
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int j = 0; j < ops && merge; j++) {
                merge = st[j][r - 1] == strides[j][d] * shape[d];
            }
            if (merge) {
                sh[r - 1] *= shape[d];
                for (int j = 0; j < ops; j++) {
                    st[j][r - 1] = strides[j][d];
                }
            } else {
                sh[r] = shape[d];
                for (int j = 0; j < ops; j++) {
                    st[j][r] = strides[j][d];
                }
                r++;
            }
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
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
        this.shape = sh;
        this.strides = st;
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
