package iern.kernels.gpu;

import iern.engine.Backend;
import iern.engine.BackendArgs;
import iern.engine.Storage;

/**
 * The engine's kernels on one GPU device, written once for OpenCL and CUDA: argument checks
 * (the engine's shared {@link BackendArgs}), path selection and launch shapes, over a
 * {@link GpuDevice} that does the buffers, copies and launches. Every launch and copy goes to
 * the device's one in-order queue or stream, so calls return before the device is done and
 * {@link #read} is the point that waits.
 *
 * <p>Calls are serialised (the methods are synchronized): the launcher carries the arguments
 * of the launch being built, so two threads must not build at once.
 */
public abstract class GpuBackend implements Backend {
    private final String name;
    final GpuDevice device;
    private final GpuLaunch launch;
    private final GpuStridedOps strided;
    private final GpuStorage dummy;
    private boolean closed;

    protected GpuBackend(String name, GpuDevice device) {
        this.name = name;
        this.device = device;
        this.launch = device.launch();
        this.strided = new GpuStridedOps(launch);
        // Stands in for optional (null) buffers: kernels take a flag and never touch it.
        this.dummy = allocateRaw(1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + ": " + device.description();
    }

    // ------------------------------------------------------------------ memory

    @Override
    public synchronized Storage allocate(long n) {
        BackendArgs.allocate("allocate", n);
        GpuStorage s = allocateRaw(n);
        fillRange(s, 0, s.size, 0f);
        return s;
    }

    /** Skips the zero fill: the engine asks for this only for outputs a kernel overwrites. */
    @Override
    public synchronized Storage allocateUninitialized(long n) {
        BackendArgs.allocate("allocateUninitialized", n);
        return allocateRaw(n);
    }

    /** A buffer from the pool with undefined contents, for scratch space and outputs. */
    public GpuStorage allocateRaw(long n) {
        ensureOpen();
        long bucket = GpuDevice.bucketBytes(n);
        Object mem = device.obtain(bucket);
        return new GpuStorage(this, n, bucket, mem, device.argument(mem));
    }

    synchronized void release(GpuStorage s) {
        if (s.mem == null) {
            throw new IllegalStateException(device.kind() + ": storage of " + s.size + " floats closed twice");
        }
        Object mem = s.mem;
        s.mem = null;
        if (closed) {
            return; // the backend already released every device object
        }
        device.recycle(mem, s.bucketBytes);
    }

    @Override
    public synchronized void write(Storage dst, long dstOff, float[] src, int srcOff, int n) {
        BackendArgs.write(dst, dstOff, src, srcOff, n);
        GpuStorage d = own(dst, "write dst");
        if (n == 0) {
            return;
        }
        device.write(d.mem, dstOff * Float.BYTES, src, srcOff, n);
    }

    @Override
    public synchronized void read(Storage src, long srcOff, float[] dst, int dstOff, int n) {
        BackendArgs.read(src, srcOff, dst, dstOff, n);
        GpuStorage s = own(src, "read src");
        if (n == 0) {
            device.finish();
            return;
        }
        device.read(s.mem, srcOff * Float.BYTES, dst, dstOff, n);
    }

    @Override
    public synchronized void fill(Storage dst, long off, long n, float value) {
        BackendArgs.fill(dst, off, n);
        GpuStorage d = own(dst, "fill dst");
        fillRange(d, off, n, value);
    }

    private void fillRange(GpuStorage d, long off, long n, float value) {
        if (n > 0) {
            launch.kernel("memory.cl", "fill").mem(d).l(off).l(n).f(value).items(n);
        }
    }

    @Override
    public synchronized void copy(Storage src, long srcOff, long[] srcStrides, Storage dst, long dstOff,
                                  long[] dstStrides, int[] shape, boolean accumulate) {
        long total = BackendArgs.copy(src, srcOff, srcStrides, dst, dstOff, dstStrides, shape);
        strided.copy(own(src, "copy src"), srcOff, srcStrides, own(dst, "copy dst"), dstOff, dstStrides, shape,
                total, accumulate);
    }

    @Override
    public synchronized void randomUniform(Storage dst, long off, long n, long seed) {
        BackendArgs.randomUniform(dst, off, n);
        GpuStorage d = own(dst, "randomUniform dst");
        if (n > 0) {
            launch.kernel("memory.cl", "random_uniform").mem(d).l(off).l(n).l(seed).items(n);
        }
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public synchronized void unary(Unary op, Storage x, long xOff, Storage y, long yOff, long n, float a, float b) {
        BackendArgs.unary(op, x, xOff, y, yOff, n);
        GpuStorage xs = own(x, "unary x"), ys = own(y, "unary y");
        if (n > 0) {
            launch.kernel("elementwise.cl", "unary").i(op.ordinal()).mem(xs).l(xOff).mem(ys).l(yOff).l(n).f(a).f(b)
                    .items(n);
        }
    }

    @Override
    public synchronized void unaryBackward(Unary op, Storage x, Storage y, Storage dy, Storage dx, long n, float a,
                                           float b, boolean accumulate) {
        BackendArgs.unaryBackward(op, x, y, dy, dx, n);
        GpuStorage xs = own(x, "unaryBackward x"), ys = own(y, "unaryBackward y");
        GpuStorage dys = own(dy, "unaryBackward dy"), dxs = own(dx, "unaryBackward dx");
        if (n > 0) {
            launch.kernel("elementwise.cl", "unary_backward").i(op.ordinal()).mem(xs).mem(ys).mem(dys).mem(dxs)
                    .l(n).f(a).f(b).flag(accumulate).items(n);
        }
    }

    @Override
    public synchronized void binary(Binary op, Storage a, long aOff, long[] aStrides, Storage b, long bOff,
                                    long[] bStrides, Storage out, long outOff, int[] shape) {
        long total = BackendArgs.binary(op, a, aOff, aStrides, b, bOff, bStrides, out, outOff, shape);
        strided.binary(op, own(a, "binary a"), aOff, aStrides, own(b, "binary b"), bOff, bStrides,
                own(out, "binary out"), outOff, shape, total);
    }

    // ------------------------------------------------------------------ reductions and softmax

    @Override
    public synchronized void reduce(Reduce op, Storage x, long xOff, Storage out, long outOff, int outer, int r,
                                    int inner) {
        BackendArgs.reduce(op, x, xOff, out, outOff, outer, r, inner);
        GpuStorage xs = own(x, "reduce x"), os = own(out, "reduce out");
        long lines = (long) outer * inner;
        if (lines == 0) {
            return;
        }
        // A work-group per line pays off only for long lines that are too few to fill the device
        // (and never on a CPU device once there are lines for every core).
        if (r <= 64 || lines >= 4096 || (!device.gpuLayout() && lines >= 2L * device.computeUnits())) {
            launch.kernel("reduce.cl", "reduce_by_item").i(op.ordinal()).mem(xs).l(xOff).mem(os).l(outOff)
                    .i(outer).i(r).i(inner).items(lines);
        } else {
            launch.kernel("reduce.cl", "reduce_by_group").i(op.ordinal()).mem(xs).l(xOff).mem(os).l(outOff)
                    .i(outer).i(r).i(inner).groups(lines, launch.reductionLocalSize(r));
        }
    }

    @Override
    public synchronized void argmax(Storage x, long xOff, Storage out, long outOff, int outer, int r, int inner) {
        BackendArgs.argmax(x, xOff, out, outOff, outer, r, inner);
        GpuStorage xs = own(x, "argmax x"), os = own(out, "argmax out");
        long lines = (long) outer * inner;
        if (lines > 0) {
            launch.kernel("reduce.cl", "argmax_lines").mem(xs).l(xOff).mem(os).l(outOff).i(outer).i(r).i(inner)
                    .items(lines);
        }
    }

    @Override
    public synchronized void softmax(Storage x, Storage y, int outer, int r, int inner, boolean log) {
        BackendArgs.softmax(x, y, outer, r, inner);
        softmaxLines(own(x, "softmax x"), own(y, "softmax y"), outer, r, inner, log);
    }

    private void softmaxLines(GpuStorage xs, GpuStorage ys, int outer, int r, int inner, boolean log) {
        long lines = (long) outer * inner;
        if (lines > 0 && r > 0) {
            if (byItem(lines)) {
                launch.kernel("reduce.cl", "softmax_by_item").mem(xs).mem(ys).i(outer).i(r).i(inner).flag(log)
                        .items(lines);
            } else {
                launch.kernel("reduce.cl", "softmax_lines").mem(xs).mem(ys).i(outer).i(r).i(inner).flag(log)
                        .groups(lines, launch.reductionLocalSize(r));
            }
        }
    }

    @Override
    public synchronized void softmaxBackward(Storage y, Storage dy, Storage dx, int outer, int r, int inner,
                                             boolean log) {
        BackendArgs.softmaxBackward(y, dy, dx, outer, r, inner);
        softmaxBackwardLines(own(y, "softmaxBackward y"), own(dy, "softmaxBackward dy"), own(dx, "softmaxBackward dx"),
                outer, r, inner, log);
    }

    private void softmaxBackwardLines(GpuStorage ys, GpuStorage dys, GpuStorage dxs, int outer, int r, int inner,
                                      boolean log) {
        long lines = (long) outer * inner;
        if (lines > 0 && r > 0) {
            if (byItem(lines)) {
                launch.kernel("reduce.cl", "softmax_backward_by_item").mem(ys).mem(dys).mem(dxs).i(outer).i(r)
                        .i(inner).flag(log).items(lines);
            } else {
                launch.kernel("reduce.cl", "softmax_backward_lines").mem(ys).mem(dys).mem(dxs).i(outer).i(r)
                        .i(inner).flag(log).groups(lines, launch.reductionLocalSize(r));
            }
        }
    }

    // ------------------------------------------------------------------ GEMM

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                                  Storage a, long aOff, long aBatchStride, int lda, Storage b, long bOff,
                                  long bBatchStride, int ldb, float beta, Storage c, long cOff, long cBatchStride,
                                  int ldc) {
        BackendArgs.gemm(transA, transB, batch, m, n, k, a, aOff, aBatchStride, lda, b, bOff, bBatchStride, ldb,
                c, cOff, cBatchStride, ldc);
        GpuStorage as = own(a, "gemm a"), bs = own(b, "gemm b"), cs = own(c, "gemm c");
        gemmUnchecked(transA, transB, batch, m, n, k, alpha, as, aOff, aBatchStride, lda, bs, bOff, bBatchStride,
                ldb, beta, cs, cOff, cBatchStride, ldc);
    }

    public void gemmUnchecked(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, GpuStorage a,
                       long aOff, long aBatchStride, int lda, GpuStorage b, long bOff, long bBatchStride, int ldb,
                       float beta, GpuStorage c, long cOff, long cBatchStride, int ldc) {
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        boolean thin = m < 8 || n < 8;
        if (thin && !(k >= 256 && (long) m * n * batch <= 16384)) {
            // A 64 x 64 tile would be at most 1/8 full: one work-item per output instead.
            launch.kernel("gemm.cl", "gemm_thin").flag(transA).flag(transB).i(m).i(n).i(k).f(alpha)
                    .mem(a).l(aOff).l(aBatchStride).i(lda)
                    .mem(b).l(bOff).l(bBatchStride).i(ldb)
                    .f(beta).mem(c).l(cOff).l(cBatchStride).i(ldc).i(batch)
                    .items((long) m * n * batch);
            return;
        }
        // Few outputs but a long k (attention scores over a few strata): one work-group per
        // output reduces over k.
        launch.kernel("gemm.cl", thin ? "gemm_dot" : "gemm_tiled").flag(transA).flag(transB).i(m).i(n).i(k).f(alpha)
                .mem(a).l(aOff).l(aBatchStride).i(lda)
                .mem(b).l(bOff).l(bBatchStride).i(ldb)
                .f(beta).mem(c).l(cOff).l(cBatchStride).i(ldc);
        if (thin) {
            launch.range3((long) n * 64, m, batch, 64, 1, 1);
        } else {
            launch.range3((long) (n + 63) / 64 * 8, (long) (m + 63) / 64 * 8, batch, 8, 8, 1);
        }
    }

    // ------------------------------------------------------------------ for the op kernels of this package

    /** Row-wise softmax (or its backward) for the attention kernel, without a second lock. */
    public void softmaxRows(GpuStorage x, GpuStorage y, int rows, int r) {
        softmaxLines(x, y, rows, r, 1, false);
    }

    public void softmaxRowsBackward(GpuStorage y, GpuStorage dy, GpuStorage dx, int rows, int r) {
        softmaxBackwardLines(y, dy, dx, rows, r, 1, false);
    }

    public GpuLaunch launch() {
        return launch;
    }

    GpuStridedOps strided() {
        return strided;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public synchronized void synchronize() {
        ensureOpen();
        device.finish();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        dummy.close();
        closed = true;
        device.close();
    }

    /** Bytes sitting in the buffer pool, for tests of reuse. */
    public synchronized long pooledBytes() {
        return device.pooledBytes();
    }

    /** Compiles a source outside the resource set, so tests can see what a build failure reports. */
    public synchronized void compileForTest(String file, String source) {
        ensureOpen();
        device.compileForTest(file, source);
    }

    /**
     * Whether a per-line reduction runs one work-item per line: on a CPU device (PoCL runs a
     * group's work-items in sequence, paying a pass per barrier) once every core has lines.
     */
    public boolean byItem(long lines) {
        return !device.gpuLayout() && lines >= 2L * device.computeUnits();
    }

    public GpuStorage dummy() {
        return dummy;
    }

    // ------------------------------------------------------------------ checks

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(device.kind() + " backend " + name + " is closed");
        }
        device.makeCurrent();
    }

    /** The storage as one of ours, or a clear error naming the argument. */
    public GpuStorage own(Storage s, String what) {
        ensureOpen();
        if (s == null) {
            throw new IllegalArgumentException(device.kind() + " " + what + ": storage is null");
        }
        if (!(s instanceof GpuStorage c) || c.owner != this) {
            throw new IllegalArgumentException(device.kind() + " " + what + ": storage belongs to backend "
                    + s.backend().name() + ", not to " + name + " (copy it over with read/write first)");
        }
        if (c.closed()) {
            throw new IllegalStateException(device.kind() + " " + what + ": storage was closed");
        }
        return c;
    }

    public GpuStorage optional(Storage s, String what) {
        return s == null ? null : own(s, what);
    }
}
