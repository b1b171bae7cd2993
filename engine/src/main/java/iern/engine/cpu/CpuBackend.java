package iern.engine.cpu;

import iern.engine.Backend;
import iern.engine.BackendArgs;
import iern.engine.Storage;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The pure-Java backend: storages are heap {@code float[]} kept in a pool keyed by exact
 * length, so once a training step has run once its buffers come back from the pool instead of
 * the garbage collector. Kernels run on the fixed {@link Parallel} pool; GEMM is {@link Sgemm},
 * everything else lives in the small {@code Cpu*}
 * kernel classes of this package. Every method first checks its arguments with
 * {@link BackendArgs}, as every backend does.
 */
public final class CpuBackend implements Backend {

    private final ArraysBySize pool = new ArraysBySize();
    private long pooledFloats;
    private boolean closed;

    /**
     * Upper bound on the floats parked in the pool (beyond it, released arrays go to the GC):
     * by default half the heap, so a changing workload cannot pin the whole heap in the pool.
     */
    private static final long POOL_LIMIT = Long.getLong("iern.cpu.poolFloats",
            Runtime.getRuntime().maxMemory() / 2 / Float.BYTES);

    /**
     * Fails at once, naming the JVM flag, when {@code jdk.incubator.vector} is not resolved:
     * the kernels' classes name Vector API types (even with {@code -Diern.simd=false}), so
     * without the module the first op would end in a {@code NoClassDefFoundError}.
     */
    public CpuBackend() {
        if (!vectorApiVisible()) {
            throw new IllegalStateException("the cpu backend needs the JVM flag --add-modules jdk.incubator.vector"
                    + " (the Vector API, an incubator module that the JVM leaves out unless asked)");
        }
    }

    private static boolean vectorApiVisible() {
        try {
            Class.forName("jdk.incubator.vector.FloatVector", false, CpuBackend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return describeMachine();
    }

    static String describeMachine() {
        return "pure Java on " + System.getProperty("os.arch") + ", " + Parallel.threads() + " threads, "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB heap";
    }

    /** The array behind a storage of this backend. */
    public static float[] data(Storage s) {
        if (s instanceof CpuStorage cs) {
            return cs.array();
        }
        throw new IllegalArgumentException("cpu backend was handed a storage of backend "
                + (s == null ? "null" : s.backend().name()));
    }

    private static float[] dataOrNull(Storage s) {
        return s == null ? null : data(s);
    }

    private static int idx(long v) {
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cpu backend: offset or length " + v + " outside a Java array");
        }
        return (int) v;
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(long n) {
        BackendArgs.allocate("allocate", n);
        return allocate(n, true);
    }

    /** Skips the zero fill of a recycled array: a warm step rewrites gigabytes of outputs, fill them once. */
    @Override
    public Storage allocateUninitialized(long n) {
        BackendArgs.allocate("allocateUninitialized", n);
        return allocate(n, false);
    }

    private Storage allocate(long n, boolean zero) {
        int size = idx(n);
        float[] a = null;
        synchronized (pool) {
            if (closed) {
                throw new IllegalStateException("cpu backend used after close()");
            }
            ArrayDeque<float[]> q = pool.get(size);
            if (q != null && !q.isEmpty()) {
                a = q.pop();
                pooledFloats -= size;
            }
        }
        if (a == null) {
            try {
                a = new float[size];
            } catch (OutOfMemoryError e) {
                // Arrays of other sizes may be parked in the pool: give them back and try once more.
                trimPool();
                a = new float[size];
            }
        } else if (zero) {
            Arrays.fill(a, 0f);
        }
        return new CpuStorage(this, a, size);
    }

    void recycle(float[] a) {
        synchronized (pool) {
            if (closed || pooledFloats + a.length > POOL_LIMIT) {
                return;
            }
            pool.getOrAdd(a.length).push(a);
            pooledFloats += a.length;
        }
    }

    /** Floats currently parked in the pool (for tests and diagnostics). */
    public long pooledFloats() {
        synchronized (pool) {
            return pooledFloats;
        }
    }

    /** Drops every pooled array. */
    public void trimPool() {
        synchronized (pool) {
            pool.clear();
            pooledFloats = 0;
        }
    }

    @Override
    public void write(Storage dst, long dstOff, float[] src, int srcOff, int n) {
        BackendArgs.write(dst, dstOff, src, srcOff, n);
        System.arraycopy(src, srcOff, data(dst), idx(dstOff), n);
    }

    @Override
    public void read(Storage src, long srcOff, float[] dst, int dstOff, int n) {
        BackendArgs.read(src, srcOff, dst, dstOff, n);
        System.arraycopy(data(src), idx(srcOff), dst, dstOff, n);
    }

    @Override
    public void fill(Storage dst, long off, long n, float value) {
        BackendArgs.fill(dst, off, n);
        float[] d = data(dst);
        int o = idx(off);
        Arrays.fill(d, o, o + idx(n), value);
    }

    @Override
    public void copy(Storage src, long srcOff, long[] srcStrides, Storage dst, long dstOff, long[] dstStrides,
                     int[] shape, boolean accumulate) {
        BackendArgs.copy(src, srcOff, srcStrides, dst, dstOff, dstStrides, shape);
        CpuElementwise.copy(data(src), srcOff, srcStrides, data(dst), dstOff, dstStrides, shape, accumulate);
    }

    @Override
    public void randomUniform(Storage dst, long off, long n, long seed) {
        BackendArgs.randomUniform(dst, off, n);
        CpuElementwise.randomUniform(data(dst), idx(off), idx(n), seed);
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(Unary op, Storage x, long xOff, Storage y, long yOff, long n, float a, float b) {
        BackendArgs.unary(op, x, xOff, y, yOff, n);
        CpuElementwise.unary(op, data(x), idx(xOff), data(y), idx(yOff), idx(n), a, b);
    }

    @Override
    public void unaryBackward(Unary op, Storage x, Storage y, Storage dy, Storage dx, long n, float a, float b,
                              boolean accumulate) {
        BackendArgs.unaryBackward(op, x, y, dy, dx, n);
        CpuElementwise.unaryBackward(op, dataOrNull(x), dataOrNull(y), data(dy), data(dx), idx(n), a, b, accumulate);
    }

    @Override
    public void binary(Binary op, Storage a, long aOff, long[] aStrides, Storage b, long bOff, long[] bStrides,
                       Storage out, long outOff, int[] shape) {
        BackendArgs.binary(op, a, aOff, aStrides, b, bOff, bStrides, out, outOff, shape);
        CpuElementwise.binary(op, data(a), aOff, aStrides, data(b), bOff, bStrides, data(out), outOff, shape);
    }

    // ---------------------------------------------------------------- reductions and softmax

    @Override
    public void reduce(Reduce op, Storage x, long xOff, Storage out, long outOff, int outer, int r, int inner) {
        BackendArgs.reduce(op, x, xOff, out, outOff, outer, r, inner);
        CpuReduce.reduce(op, data(x), idx(xOff), data(out), idx(outOff), outer, r, inner);
    }

    @Override
    public void argmax(Storage x, long xOff, Storage out, long outOff, int outer, int r, int inner) {
        BackendArgs.argmax(x, xOff, out, outOff, outer, r, inner);
        CpuReduce.argmax(data(x), idx(xOff), data(out), idx(outOff), outer, r, inner);
    }

    @Override
    public void softmax(Storage x, Storage y, int outer, int r, int inner, boolean log) {
        BackendArgs.softmax(x, y, outer, r, inner);
        CpuReduce.softmax(data(x), data(y), outer, r, inner, log);
    }

    @Override
    public void softmaxBackward(Storage y, Storage dy, Storage dx, int outer, int r, int inner, boolean log) {
        BackendArgs.softmaxBackward(y, dy, dx, outer, r, inner);
        CpuReduce.softmaxBackward(data(y), data(dy), data(dx), outer, r, inner, log);
    }

    // ---------------------------------------------------------------- gemm

    @Override
    public void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                     Storage a, long aOff, long aBatchStride, int lda,
                     Storage b, long bOff, long bBatchStride, int ldb,
                     float beta, Storage c, long cOff, long cBatchStride, int ldc) {
        BackendArgs.gemm(transA, transB, batch, m, n, k, a, aOff, aBatchStride, lda, b, bOff, bBatchStride, ldb,
                c, cOff, cBatchStride, ldc);
        float[] av = data(a), bv = data(b), cv = data(c);
        Parallel.RangeBody body = (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                Sgemm.sgemm(transA, transB, m, n, k, alpha,
                        av, idx(aOff + i * aBatchStride), lda,
                        bv, idx(bOff + i * bBatchStride), ldb,
                        beta, cv, idx(cOff + i * cBatchStride), ldc);
            }
        };
        // Small matrices: one thread per batch item. Large ones: Sgemm splits each product itself.
        if (batch > 1 && (long) m * n * k < (1L << 18)) {
            Parallel.forRange(batch, 1, body);
        } else {
            body.run(0, batch);
        }
    }

    @Override
    public void synchronize() {
        // CPU kernels return only when done.
    }

    @Override
    public void close() {
        synchronized (pool) {
            closed = true;
            pool.clear();
            pooledFloats = 0;
        }
    }

    @Override
    public String toString() {
        return "CpuBackend[" + describe() + "]";
    }

    /**
     * Pooled arrays by exact length: open addressing on the int length, so that allocating and
     * recycling (thousands of times a step) box no key and allocate nothing once every length has its queue.
     */
    private static final class ArraysBySize {
        private int[] keys = new int[64];             // length + 1; 0 marks a free slot
        @SuppressWarnings("unchecked")
        private ArrayDeque<float[]>[] queues = new ArrayDeque[64];
        private int count;

        ArrayDeque<float[]> get(int length) {
            int i = slot(keys, length);
            return keys[i] == 0 ? null : queues[i];
        }

        ArrayDeque<float[]> getOrAdd(int length) {
            int i = slot(keys, length);
            if (keys[i] == 0) {
                if (2 * (count + 1) > keys.length) {
                    grow();
                    i = slot(keys, length);
                }
                keys[i] = length + 1;
                queues[i] = new ArrayDeque<>();
                count++;
            }
            return queues[i];
        }

        void clear() {
            Arrays.fill(keys, 0);
            Arrays.fill(queues, null);
            count = 0;
        }

        private static int slot(int[] keys, int length) {
            int mask = keys.length - 1;
            int i = (length * 0x9E3779B9 >>> 7) & mask;
            while (keys[i] != 0 && keys[i] != length + 1) {
                i = (i + 1) & mask;
            }
            return i;
        }

        @SuppressWarnings("unchecked")
        private void grow() {
            int[] oldKeys = keys;
            ArrayDeque<float[]>[] oldQueues = queues;
            keys = new int[2 * oldKeys.length];
            queues = new ArrayDeque[keys.length];
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != 0) {
                    int i = slot(keys, oldKeys[j] - 1);
                    keys[i] = oldKeys[j];
                    queues[i] = oldQueues[j];
                }
            }
        }
    }
}
