package iern.engine;

/**
 * The argument checks of the {@link Backend} methods, shared by every backend: each backend
 * method starts by calling the method of the same name here, before it reads or writes memory
 * or enqueues work, so a bad offset, length or size is refused the same way on every device
 * and no kernel runs out of bounds. Every message has one form, the op, the argument (as the
 * {@link Backend} method names it) and what is wrong with it:
 * <pre>
 *   unary y: range [1, 14) is outside the storage of 13 floats
 *   write src: range [2, 9) is outside the array of 8 floats
 *   argmax r: 0 is below the minimum 1
 *   gemm c: storage is null
 * </pre>
 * Backends still check what only they can see: that a storage is one of theirs and open.
 */
public final class BackendArgs {
    private BackendArgs() {}

    /** Highest rank of a strided copy or binary op. */
    public static final int MAX_RANK = 8;

    // ---------------------------------------------------------------- building blocks

    private static IllegalArgumentException bad(String op, String arg, String problem) {
        return new IllegalArgumentException(op + " " + arg + ": " + problem);
    }

    /** {@code s} is not null. */
    public static void required(String op, String arg, Storage s) {
        if (s == null) {
            throw bad(op, arg, "storage is null");
        }
    }

    /** {@code [off, off + n)} lies inside {@code s} (which may not be null). */
    public static void range(String op, String arg, Storage s, long off, long n) {
        range(op, arg, s, off, n, "");
    }

    private static void range(String op, String arg, Storage s, long off, long n, String detail) {
        required(op, arg, s);
        if (off < 0 || n < 0 || n > s.size() - off) {
            throw bad(op, arg, "range [" + off + ", " + (off + n) + ") is outside the storage of " + s.size()
                    + " floats" + detail);
        }
    }

    /** Like {@link #range} for a storage that may be null (an optional argument). */
    public static void optionalRange(String op, String arg, Storage s, long n) {
        if (s != null) {
            range(op, arg, s, 0, n);
        }
    }

    private static void hostRange(String op, String arg, float[] a, int off, int n) {
        if (a == null) {
            throw bad(op, arg, "array is null");
        }
        if (off < 0 || n < 0 || (long) off + n > a.length) {
            throw bad(op, arg, "range [" + off + ", " + ((long) off + n) + ") is outside the array of " + a.length
                    + " floats");
        }
    }

    /** {@code value >= min}. */
    public static void atLeast(String op, String arg, long value, long min) {
        if (value < min) {
            throw bad(op, arg, value + " is below the minimum " + min);
        }
    }

    public static void notNull(String op, String arg, Object o) {
        if (o == null) {
            throw bad(op, arg, "is null");
        }
    }

    /** {@code n} items of {@code extent} floats, item i at {@code i * stride} (0: one shared item). */
    public static void batched(String op, String arg, Storage s, long stride, long n, long extent) {
        required(op, arg, s);
        if (n > 0 && extent > 0) {
            range(op, arg, s, 0, (n - 1) * stride + extent);
        }
    }

    private static void lines(String op, int outer, int r, int inner) {
        atLeast(op, "outer", outer, 0);
        atLeast(op, "r", r, 0);
        atLeast(op, "inner", inner, 0);
    }

    /** Checks rank, stride counts and extents; returns the element count of {@code shape}. */
    private static long shape(String op, int[] shape, String name1, long[] strides1, String name2, long[] strides2) {
        notNull(op, "shape", shape);
        if (shape.length > MAX_RANK) {
            throw bad(op, "shape", "rank " + shape.length + " exceeds the maximum of " + MAX_RANK);
        }
        strideCount(op, name1, strides1, shape.length);
        strideCount(op, name2, strides2, shape.length);
        long total = 1;
        for (int d : shape) {
            if (d < 0) {
                throw bad(op, "shape", "negative extent in " + java.util.Arrays.toString(shape));
            }
            total *= d;
        }
        return total;
    }

    private static void strideCount(String op, String name, long[] strides, int rank) {
        notNull(op, name, strides);
        if (strides.length != rank) {
            throw bad(op, name, "length " + strides.length + " does not match the rank " + rank + " of the shape");
        }
    }

    /** The elements {@code off + i·strides} for every index {@code i} of {@code shape} lie inside {@code s}. */
    private static void strided(String op, String arg, Storage s, long off, int[] shape, long[] strides) {
        required(op, arg, s);
        long low = 0, high = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return;
            }
            long reach = (shape[d] - 1) * strides[d];
            low += Math.min(0, reach);
            high += Math.max(0, reach);
        }
        range(op, arg, s, off + low, high - low + 1);
    }

    /** {@code batch} matrices of {@code rows x cols}, row stride {@code ld}, lie inside {@code s}. */
    private static void matrices(String arg, Storage s, long off, long batchStride, int batch, int rows, int cols,
                                 int ld) {
        required("gemm", arg, s);
        if (batch == 0 || rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols) {
            throw bad("gemm", "ld" + arg, ld + " is below the " + cols + " stored columns of " + arg);
        }
        atLeast("gemm", arg + "BatchStride", batchStride, 0);
        long end = off + (batch - 1) * batchStride + (long) (rows - 1) * ld + cols;
        range("gemm", arg, s, off, end - off, " (" + batch + " matrices of " + rows + "x" + cols + ", row stride "
                + ld + ", batch stride " + batchStride + ")");
    }

    // ---------------------------------------------------------------- memory

    public static void allocate(String op, long n) {
        atLeast(op, "n", n, 0);
    }

    public static void write(Storage dst, long dstOff, float[] src, int srcOff, int n) {
        range("write", "dst", dst, dstOff, n);
        hostRange("write", "src", src, srcOff, n);
    }

    public static void read(Storage src, long srcOff, float[] dst, int dstOff, int n) {
        range("read", "src", src, srcOff, n);
        hostRange("read", "dst", dst, dstOff, n);
    }

    public static void fill(Storage dst, long off, long n) {
        range("fill", "dst", dst, off, n);
    }

    /** Returns the element count of {@code shape}. */
    public static long copy(Storage src, long srcOff, long[] srcStrides, Storage dst, long dstOff, long[] dstStrides,
                            int[] shape) {
        long total = shape("copy", shape, "srcStrides", srcStrides, "dstStrides", dstStrides);
        strided("copy", "src", src, srcOff, shape, srcStrides);
        strided("copy", "dst", dst, dstOff, shape, dstStrides);
        return total;
    }

    public static void randomUniform(Storage dst, long off, long n) {
        range("randomUniform", "dst", dst, off, n);
    }

    // ---------------------------------------------------------------- elementwise

    public static void unary(Backend.Unary op, Storage x, long xOff, Storage y, long yOff, long n) {
        notNull("unary", "op", op);
        range("unary", "x", x, xOff, n);
        range("unary", "y", y, yOff, n);
    }

    public static void unaryBackward(Backend.Unary op, Storage x, Storage y, Storage dy, Storage dx, long n) {
        notNull("unaryBackward", "op", op);
        range("unaryBackward", "x", x, 0, n);
        range("unaryBackward", "y", y, 0, n);
        range("unaryBackward", "dy", dy, 0, n);
        range("unaryBackward", "dx", dx, 0, n);
    }

    /** Returns the element count of {@code shape}. */
    public static long binary(Backend.Binary op, Storage a, long aOff, long[] aStrides, Storage b, long bOff,
                              long[] bStrides, Storage out, long outOff, int[] shape) {
        notNull("binary", "op", op);
        long total = shape("binary", shape, "aStrides", aStrides, "bStrides", bStrides);
        strided("binary", "a", a, aOff, shape, aStrides);
        strided("binary", "b", b, bOff, shape, bStrides);
        range("binary", "out", out, outOff, total);
        return total;
    }

    // ---------------------------------------------------------------- reductions and softmax

    public static void reduce(Backend.Reduce op, Storage x, long xOff, Storage out, long outOff, int outer, int r,
                              int inner) {
        notNull("reduce", "op", op);
        lines("reduce", outer, r, inner);
        range("reduce", "x", x, xOff, (long) outer * r * inner);
        range("reduce", "out", out, outOff, (long) outer * inner);
    }

    public static void argmax(Storage x, long xOff, Storage out, long outOff, int outer, int r, int inner) {
        lines("argmax", outer, r, inner);
        atLeast("argmax", "r", r, 1);
        range("argmax", "x", x, xOff, (long) outer * r * inner);
        range("argmax", "out", out, outOff, (long) outer * inner);
    }

    public static void softmax(Storage x, Storage y, int outer, int r, int inner) {
        lines("softmax", outer, r, inner);
        range("softmax", "x", x, 0, (long) outer * r * inner);
        range("softmax", "y", y, 0, (long) outer * r * inner);
    }

    public static void softmaxBackward(Storage y, Storage dy, Storage dx, int outer, int r, int inner) {
        lines("softmaxBackward", outer, r, inner);
        long total = (long) outer * r * inner;
        range("softmaxBackward", "y", y, 0, total);
        range("softmaxBackward", "dy", dy, 0, total);
        range("softmaxBackward", "dx", dx, 0, total);
    }

    // ---------------------------------------------------------------- linear algebra

    public static void gemm(boolean transA, boolean transB, int batch, int m, int n, int k,
                            Storage a, long aOff, long aBatchStride, int lda,
                            Storage b, long bOff, long bBatchStride, int ldb,
                            Storage c, long cOff, long cBatchStride, int ldc) {
        atLeast("gemm", "batch", batch, 0);
        atLeast("gemm", "m", m, 0);
        atLeast("gemm", "n", n, 0);
        atLeast("gemm", "k", k, 0);
        if (batch > 1 && cBatchStride == 0 && m > 0 && n > 0) {
            throw bad("gemm", "cBatchStride", "0 with batch " + batch + " would make the products race on one C");
        }
        matrices("a", a, aOff, aBatchStride, batch, transA ? k : m, transA ? m : k, lda);
        matrices("b", b, bOff, bBatchStride, batch, transB ? n : k, transB ? k : n, ldb);
        matrices("c", c, cOff, cBatchStride, batch, m, n, ldc);
    }
}
