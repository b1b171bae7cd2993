package iern.engine;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Canonical shape arrays. Tensors of equal shape share one {@code int[]} and its contiguous
 * strides, so a training step, which makes thousands of tensors of a few hundred shapes,
 * allocates no shape or stride arrays once each shape has been seen. The arrays handed out
 * are shared: never write to them.
 *
 * <p>A fixed open-addressing table, filled lock-free (a lost race only leaves a second equal
 * entry) and never emptied; past its limit, shapes are copied as if there were no table.
 */
final class ShapeTable {
    private ShapeTable() {}

    private static final int CAPACITY = 1 << 13;
    private static final int LIMIT = CAPACITY / 2;
    private static final AtomicReferenceArray<Entry> TABLE = new AtomicReferenceArray<>(CAPACITY);
    private static final AtomicInteger COUNT = new AtomicInteger();

    /** A canonical shape and its row-major strides. */
    private record Entry(int[] shape, long[] strides, int hash) {}

    /** The canonical array equal to {@code shape} (a copy when the table is full); {@code shape} itself is not kept. */
    static int[] intern(int[] shape) {
        Entry e = entry(shape);
        return e != null ? e.shape : shape.clone();
    }

    /** Row-major strides of {@code shape}, shared with every tensor of that shape: read only. */
    static long[] strides(int[] shape) {
        Entry e = entry(shape);
        return e != null ? e.strides : computeStrides(shape);
    }

    private static Entry entry(int[] shape) {
        int h = Arrays.hashCode(shape);
        int mask = CAPACITY - 1;
        for (int i = mix(h) & mask; ; i = (i + 1) & mask) {
            Entry e = TABLE.get(i);
            if (e == null) {
                if (COUNT.get() >= LIMIT) {
                    return null;
                }
                int[] copy = shape.clone();
                Entry fresh = new Entry(copy, computeStrides(copy), h);
                if (TABLE.compareAndSet(i, null, fresh)) {
                    COUNT.incrementAndGet();
                    return fresh;
                }
                e = TABLE.get(i);      // another thread filled this slot: compare with its entry
            }
            if (e.hash == h && (e.shape == shape || Arrays.equals(e.shape, shape))) {
                return e;
            }
        }
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    static long[] computeStrides(int[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }
}
