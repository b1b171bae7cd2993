package iern.kernels.opencl;

import iern.engine.Backend.Binary;

/**
 * The rank-8 strided kernels (copy and broadcasting binary ops). Before a launch, dimensions
 * of size 1 are dropped and neighbours that are contiguous in every operand are merged, so
 * a plain same-shape op reaches the device as rank 1 and the per-element index arithmetic
 * stays short. Scratch arrays are fields: calls are serialised by the backend.
 */
final class ClStridedOps {
    static final int MAX_RANK = 8;

    private final ClLaunch launch;
    private final int[] shape = new int[MAX_RANK];
    private final long[][] strides = new long[3][MAX_RANK];
    private final long[] outStrides = new long[MAX_RANK];
    private int rank;

    ClStridedOps(ClLaunch launch) {
        this.launch = launch;
    }

    void copy(ClStorage src, long srcOff, long[] srcStrides, ClStorage dst, long dstOff, long[] dstStrides,
              int[] shapeIn, boolean accumulate) {
        long total = checkShape("copy", shapeIn, srcStrides, dstStrides);
        OpenClBackend.checkRange("copy src", src, srcOff + minReach(shapeIn, srcStrides),
                extent(shapeIn, srcStrides));
        OpenClBackend.checkRange("copy dst", dst, dstOff + minReach(shapeIn, dstStrides),
                extent(shapeIn, dstStrides));
        if (total == 0) {
            return;
        }
        merge(shapeIn, srcStrides, dstStrides, null);
        launch.kernel("memory.cl", "copy_nd").mem(src).l(srcOff).longs8(strides[0], rank)
                .mem(dst).l(dstOff).longs8(strides[1], rank).ints8(shape, rank).i(rank).l(total).flag(accumulate)
                .items(total);
    }

    void binary(Binary op, ClStorage a, long aOff, long[] aStrides, ClStorage b, long bOff, long[] bStrides,
                ClStorage out, long outOff, int[] shapeIn) {
        long total = checkShape("binary", shapeIn, aStrides, bStrides);
        OpenClBackend.checkRange("binary a", a, aOff + minReach(shapeIn, aStrides), extent(shapeIn, aStrides));
        OpenClBackend.checkRange("binary b", b, bOff + minReach(shapeIn, bStrides), extent(shapeIn, bStrides));
        OpenClBackend.checkRange("binary out", out, outOff, total);
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

    /** Validates rank and lengths; returns the element count. */
    private static long checkShape(String op, int[] shape, long[] s1, long[] s2) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException(op + ": rank " + shape.length + " exceeds the maximum of " + MAX_RANK);
        }
        if (s1.length != shape.length || s2.length != shape.length) {
            throw new IllegalArgumentException(op + ": shape has rank " + shape.length + " but the strides have "
                    + s1.length + " and " + s2.length + " entries");
        }
        long total = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            total *= d;
        }
        return total;
    }

    /** Sum of the negative stride reaches: the lowest element relative to the offset. */
    private static long minReach(int[] shape, long[] st) {
        long low = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] > 0) {
                low += Math.min(0, (shape[d] - 1) * st[d]);
            }
        }
        return low;
    }

    /** Number of elements between the lowest and highest addressed element (0 for an empty shape). */
    private static long extent(int[] shape, long[] st) {
        long low = 0, high = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return 0;
            }
            long reach = (shape[d] - 1) * st[d];
            low += Math.min(0, reach);
            high += Math.max(0, reach);
        }
        return high - low + 1;
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
