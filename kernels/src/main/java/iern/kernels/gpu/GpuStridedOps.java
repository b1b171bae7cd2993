package iern.kernels.gpu;

import iern.engine.Backend.Binary;

/**
 * The rank-8 strided kernels (copy and broadcasting binary ops). Before a launch, dimensions
 * of size 1 are dropped and neighbours that are contiguous in every operand are merged, so
 * a plain same-shape op reaches the device as rank 1 and the per-element index arithmetic
 * stays short. Scratch arrays are fields: calls are serialised by the backend.
 */
final class GpuStridedOps {
    static final int MAX_RANK = iern.engine.BackendArgs.MAX_RANK;

    private final GpuLaunch launch;
    private final int[] shape = new int[MAX_RANK];
    private final long[][] strides = new long[3][MAX_RANK];
    private final long[] outStrides = new long[MAX_RANK];
    private int rank;

    GpuStridedOps(GpuLaunch launch) {
        this.launch = launch;
    }

    /** Arguments checked by {@link iern.engine.BackendArgs#copy}, which gave {@code total}. */
    void copy(GpuStorage src, long srcOff, long[] srcStrides, GpuStorage dst, long dstOff, long[] dstStrides,
              int[] shapeIn, long total, boolean accumulate) {
        if (total == 0) {
            return;
        }
        merge(shapeIn, srcStrides, dstStrides, null);
        launch.kernel("memory.cl", "copy_nd").mem(src).l(srcOff).longs8(strides[0], rank)
                .mem(dst).l(dstOff).longs8(strides[1], rank).ints8(shape, rank).i(rank).l(total).flag(accumulate)
                .items(total);
    }

    /** Arguments checked by {@link iern.engine.BackendArgs#binary}, which gave {@code total}. */
    void binary(Binary op, GpuStorage a, long aOff, long[] aStrides, GpuStorage b, long bOff, long[] bStrides,
                GpuStorage out, long outOff, int[] shapeIn, long total) {
        if (total == 0) {
            return;
        }
        long step = 1;
        for (int d = shapeIn.length - 1; d >= 0; d--) {
            outStrides[d] = step;
            step *= shapeIn[d];
        }
        merge(shapeIn, aStrides, bStrides, outStrides);
        launch.kernel("elementwise.cl", "binary").i(op.ordinal()).mem(a).l(aOff).longs8(strides[0], rank)
                .mem(b).l(bOff).longs8(strides[1], rank).mem(out).l(outOff).ints8(shape, rank).i(rank).l(total)
                .items(total);
    }

    /**
     * Fills {@link #shape}/{@link #strides}/{@link #rank}: drops size-1 dimensions and merges
     * an outer dimension into the next one when, for every operand, stepping the outer index
     * equals stepping the inner one {@code shape[inner]} times.
     */
    private void merge(int[] shapeIn, long[] s0, long[] s1, long[] s2) {
        rank = 0;
        for (int d = 0; d < shapeIn.length; d++) {
            int len = shapeIn[d];
            if (len == 1) {
                continue;
            }
            if (rank > 0) {
                int last = rank - 1;
                long merged = (long) shape[last] * len;
                boolean contiguous = merged <= Integer.MAX_VALUE
                        && strides[0][last] == s0[d] * len && strides[1][last] == s1[d] * len
                        && (s2 == null || strides[2][last] == s2[d] * len);
                if (contiguous) {
                    shape[last] = (int) merged;
                    strides[0][last] = s0[d];
                    strides[1][last] = s1[d];
                    if (s2 != null) {
                        strides[2][last] = s2[d];
                    }
                    continue;
                }
            }
            shape[rank] = len;
            strides[0][rank] = s0[d];
            strides[1][rank] = s1[d];
            if (s2 != null) {
                strides[2][rank] = s2[d];
            }
            rank++;
        }
        if (rank == 0) {
            shape[0] = 1;
            strides[0][0] = 0;
            strides[1][0] = 0;
            strides[2][0] = 0;
            rank = 1;
        }
    }
}
