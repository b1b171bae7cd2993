package iern.engine;

/**
 * The kernels a device must provide for the engine to train IERN on it.
 *
 * <p>Conventions, shared by every backend (and tested on every backend by one test suite):
 * <ul>
 *   <li>All data is float32 and row-major. Tensors of images are NCHW.</li>
 *   <li>Offsets, strides and lengths are in elements.</li>
 *   <li>Unless a method says it accumulates, it overwrites its outputs.</li>
 *   <li>Inputs and outputs of one call never alias unless the method says so.</li>
 *   <li>Calls may be asynchronous on a device; {@link #read} waits for earlier work.</li>
 *   <li>Every implementation starts each method with the {@link BackendArgs} check of the same
 *       name, so out-of-range offsets, lengths and sizes are refused alike, with one message
 *       format, before any work runs.</li>
 * </ul>
 * The CPU backend is the reference for speed on the JVM; {@code iern.engine.oracle} holds a
 * naive double-accumulating scalar version of every kernel, which every backend is tested
 * against.
 *
 * <p>These are the primitives many ops share (memory, elementwise, reductions, softmax, GEMM).
 * An op with kernels of its own (convolution, pooling, batch norm, the optimiser steps,
 * attention, the intervention: {@code iern.engine.ops}) is a {@link KernelOp}: its CPU kernel
 * runs on any backend, and a backend kind adds a fast version as a {@link DeviceKernel}, so a
 * new op never adds a method here.
 */
public interface Backend extends AutoCloseable {

    /** Short name used to select the backend, e.g. {@code cpu} or {@code opencl:0:1}. */
    String name();

    /** One line describing the device (vendor, model, compute units, memory). */
    String describe();

    // ---------------------------------------------------------------- memory

    /** A new zero-filled buffer of {@code n} floats. */
    Storage allocate(long n);

    /**
     * A buffer of {@code n} floats whose content is unspecified (a recycled buffer may hold old
     * values, NaN included): for outputs that a kernel overwrites entirely, so a backend with a
     * pool can skip zero-filling memory that is written straight after. Defaults to
     * {@link #allocate}.
     */
    default Storage allocateUninitialized(long n) {
        return allocate(n);
    }

    /** Host to device: {@code dst[dstOff + i] = src[srcOff + i]} for {@code i < n}. */
    void write(Storage dst, long dstOff, float[] src, int srcOff, int n);

    /** Device to host: {@code dst[dstOff + i] = src[srcOff + i]} for {@code i < n}. Waits for pending work. */
    void read(Storage src, long srcOff, float[] dst, int dstOff, int n);

    /** {@code dst[off + i] = value} for {@code i < n}. */
    void fill(Storage dst, long off, long n, float value);

    /**
     * Strided N-d copy (rank at most 8): for every index tuple {@code i} of {@code shape},
     * {@code dst[dstOff + i·dstStrides] (+)= src[srcOff + i·srcStrides]}. A zero source
     * stride broadcasts. With {@code accumulate} the destination is added to; then no two
     * index tuples may map to one destination element. This one kernel serves contiguous(),
     * permute, slice, expand, concat, stack and their backward rules.
     */
    void copy(Storage src, long srcOff, long[] srcStrides,
              Storage dst, long dstOff, long[] dstStrides, int[] shape, boolean accumulate);

    /**
     * Fills {@code dst[off + i]} with uniform [0, 1) floats from a counter-based generator:
     * element {@code i} depends only on {@code (seed, i)}, so every backend and every thread
     * count produces the same numbers. The generator is {@link RandomBits#uniform(long, long)}.
     */
    void randomUniform(Storage dst, long off, long n, long seed);

    // ---------------------------------------------------------------- elementwise

    /**
     * Elementwise functions of one input, with up to two scalar parameters a and b: the op
     * table. Each constant states its function once, twice over: in Java (double; the oracle
     * and the CPU backend's scalar path run it) and in OpenCL C (float; the OpenCL backend
     * generates its op codes and {@code switch} bodies from these strings). The derivative
     * receives x and the forward output y = f(x), so ops whose derivative is cheaper from y
     * (exp, sigmoid, tanh, sqrt) use it. In OpenCL C the names are {@code x}, {@code y},
     * {@code a} and {@code b}, all {@code float}. Adding an op: one constant here, plus its
     * input domain in the conformance test if it is not all of [-3, 3].
     */
    enum Unary {
        NEG(
            (x, a, b) -> -x,                            "-x",
            (x, y, a, b) -> -1,                         "-1.0f"),
        EXP(
            (x, a, b) -> Math.exp(x),                   "exp(x)",
            (x, y, a, b) -> y,                          "y"),
        LOG(
            (x, a, b) -> Math.log(x),                   "log(x)",
            (x, y, a, b) -> 1 / x,                      "1.0f / x"),
        SQRT(
            (x, a, b) -> Math.sqrt(x),                  "sqrt(x)",
            (x, y, a, b) -> 0.5 / y,                    "0.5f / y"),
        RSQRT(
            (x, a, b) -> 1 / Math.sqrt(x),              "1.0f / sqrt(x)",
            (x, y, a, b) -> -0.5 * y * y * y,           "-0.5f * y * y * y"),
        ABS(
            (x, a, b) -> Math.abs(x),                   "fabs(x)",
            (x, y, a, b) -> Math.signum(x),             "x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f)"),
        SQUARE(
            (x, a, b) -> x * x,                         "x * x",
            (x, y, a, b) -> 2 * x,                      "2.0f * x"),
        RECIPROCAL(
            (x, a, b) -> 1 / x,                         "1.0f / x",
            (x, y, a, b) -> -y * y,                     "-y * y"),
        /** Zero where x <= 0, so NaN passes through (as PyTorch) and a NaN loss is never hidden. */
        RELU(
            (x, a, b) -> x <= 0 ? 0 : x,                "x <= 0.0f ? 0.0f : x",
            (x, y, a, b) -> x > 0 ? 1 : 0,              "x > 0.0f ? 1.0f : 0.0f"),
        /** In float, split by sign so exp never overflows. */
        SIGMOID(
            (x, a, b) -> 1 / (1 + Math.exp(-x)),        "x >= 0.0f ? 1.0f / (1.0f + exp(-x)) : exp(x) / (1.0f + exp(x))",
            (x, y, a, b) -> y * (1 - y),                "y * (1.0f - y)"),
        TANH(
            (x, a, b) -> Math.tanh(x),                  "tanh(x)",
            (x, y, a, b) -> 1 - y * y,                  "1.0f - y * y"),
        /** a = negative slope */
        LEAKY_RELU(
            (x, a, b) -> x > 0 ? x : x * a,             "x > 0.0f ? x : x * a",
            (x, y, a, b) -> x > 0 ? 1 : a,              "x > 0.0f ? 1.0f : a"),
        /** x^a */
        POW_SCALAR(
            (x, a, b) -> Math.pow(x, a),                "pow(x, a)",
            (x, y, a, b) -> a == 0 ? 0 : a * Math.pow(x, a - 1), "a == 0.0f ? 0.0f : a * pow(x, a - 1.0f)"),
        /** min(max(x, a), b) */
        CLAMP(
            (x, a, b) -> Math.min(Math.max(x, a), b),   "fmin(fmax(x, a), b)",
            (x, y, a, b) -> x >= a && x <= b ? 1 : 0,   "(x >= a && x <= b) ? 1.0f : 0.0f"),
        /** x + a */
        ADD_SCALAR(
            (x, a, b) -> x + a,                         "x + a",
            (x, y, a, b) -> 1,                          "1.0f"),
        /** x * a */
        MUL_SCALAR(
            (x, a, b) -> x * a,                         "x * a",
            (x, y, a, b) -> a,                          "a");

        /** f(x; a, b). */
        @FunctionalInterface
        public interface Function {
            double at(double x, double a, double b);
        }

        /** df/dx at x, given y = f(x; a, b). */
        @FunctionalInterface
        public interface Derivative {
            double at(double x, double y, double a, double b);
        }

        private final Function forward;
        private final String clForward;
        private final Derivative derivative;
        private final String clDerivative;

        Unary(Function forward, String clForward, Derivative derivative, String clDerivative) {
            this.forward = forward;
            this.clForward = clForward;
            this.derivative = derivative;
            this.clDerivative = clDerivative;
        }

        /** f(x; a, b) in double. */
        public double forward(double x, double a, double b) {
            return forward.at(x, a, b);
        }

        /** df/dx at x in double, given the forward output {@code y = f(x; a, b)}. */
        public double derivative(double x, double y, double a, double b) {
            return derivative.at(x, y, a, b);
        }

        /** f as a function object, for loops that call it directly. */
        public Function function() {
            return forward;
        }

        /** df/dx as a function object. */
        public Derivative derivativeFunction() {
            return derivative;
        }

        /** f as an OpenCL C float expression of {@code x}, {@code a}, {@code b}. */
        public String clForward() {
            return clForward;
        }

        /** df/dx as an OpenCL C float expression of {@code x}, {@code y}, {@code a}, {@code b}. */
        public String clDerivative() {
            return clDerivative;
        }
    }

    /** {@code y[yOff+i] = op(x[xOff+i]; a, b)} for {@code i < n}. {@code x} and {@code y} may be the same range. */
    void unary(Unary op, Storage x, long xOff, Storage y, long yOff, long n, float a, float b);

    /**
     * {@code dx[i] (+)= dy[i] * op'(x[i])}, where the backend may use the forward output
     * {@code y} (e.g. sigmoid, tanh, exp, sqrt) instead of recomputing it. All four ranges are
     * contiguous and start at 0.
     */
    void unaryBackward(Unary op, Storage x, Storage y, Storage dy, Storage dx, long n, float a, float b,
                       boolean accumulate);

    /**
     * Elementwise functions of two inputs, the binary op table: each constant states its
     * function in Java (double; oracle and CPU backend) and in OpenCL C (float, of {@code a}
     * and {@code b}; the OpenCL backend generates its code from it). Comparisons give 1 or 0.
     * Gradients are compositions of tensor ops, in {@code Elementwise.binary}.
     */
    enum Binary {
        ADD((a, b) -> a + b,                "a + b"),
        SUB((a, b) -> a - b,                "a - b"),
        MUL((a, b) -> a * b,                "a * b"),
        DIV((a, b) -> a / b,                "a / b"),
        /** NaN if either is NaN, as Java's Math.max (OpenCL's fmax alone would drop it). */
        MAX(Math::max,                      "(isnan(a) || isnan(b)) ? NAN : fmax(a, b)"),
        MIN(Math::min,                      "(isnan(a) || isnan(b)) ? NAN : fmin(a, b)"),
        POW(Math::pow,                      "pow(a, b)"),
        EQ((a, b) -> a == b ? 1 : 0,        "a == b ? 1.0f : 0.0f"),
        GT((a, b) -> a > b ? 1 : 0,         "a > b ? 1.0f : 0.0f"),
        GE((a, b) -> a >= b ? 1 : 0,        "a >= b ? 1.0f : 0.0f");

        /** f(a, b). */
        @FunctionalInterface
        public interface Function {
            double at(double a, double b);
        }

        private final Function forward;
        private final String clForward;

        Binary(Function forward, String clForward) {
            this.forward = forward;
            this.clForward = clForward;
        }

        /** f(a, b) in double. */
        public double forward(double a, double b) {
            return forward.at(a, b);
        }

        /** f as a function object, for loops that call it directly. */
        public Function function() {
            return forward;
        }

        /** f as an OpenCL C float expression of {@code a} and {@code b}. */
        public String clForward() {
            return clForward;
        }
    }

    /**
     * Broadcasting elementwise: {@code out} is contiguous with {@code shape} (rank at most 8);
     * {@code a} and {@code b} are read through their own strides over that shape (stride 0
     * on a broadcast dimension).
     */
    void binary(Binary op, Storage a, long aOff, long[] aStrides, Storage b, long bOff, long[] bStrides,
                Storage out, long outOff, int[] shape);

    // ---------------------------------------------------------------- reductions

    enum Reduce { SUM, MAX, MIN }

    /**
     * Reduces the middle axis of {@code x} viewed as contiguous {@code [outer, r, inner]}
     * into {@code out [outer, inner]}. Sums accumulate in at least float precision with a
     * pairwise or blocked order (not one long running sum).
     */
    void reduce(Reduce op, Storage x, long xOff, Storage out, long outOff, int outer, int r, int inner);

    /** Index (as a float) of the first maximum along the middle axis of {@code [outer, r, inner]}. */
    void argmax(Storage x, long xOff, Storage out, long outOff, int outer, int r, int inner);

    // ---------------------------------------------------------------- softmax

    /**
     * Softmax (or log-softmax) along the middle axis of {@code [outer, r, inner]}, max-subtracted.
     */
    void softmax(Storage x, Storage y, int outer, int r, int inner, boolean log);

    /**
     * Given the forward output {@code y}: softmax {@code dx = y * (dy - sum(dy * y))}, log-softmax
     * {@code dx = dy - exp(y) * sum(dy)}, sums along the middle axis.
     */
    void softmaxBackward(Storage y, Storage dy, Storage dx, int outer, int r, int inner, boolean log);

    // ---------------------------------------------------------------- linear algebra

    /**
     * Batched strided SGEMM, row-major: for each {@code i < batch},
     * {@code C_i = alpha * op(A_i) op(B_i) + beta * C_i} with {@code op(A_i)} of shape
     * {@code m x k}, {@code op(B_i)} {@code k x n}, {@code C_i} {@code m x n}; {@code X_i}
     * starts at {@code xOff + i * xBatchStride} (stride 0 shares one matrix across the
     * batch); {@code lda/ldb/ldc} are the row strides of the stored (untransposed) matrices.
     * With {@code beta == 0} the old content of C is ignored (NaN does not propagate).
     */
    void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
              Storage a, long aOff, long aBatchStride, int lda,
              Storage b, long bOff, long bBatchStride, int ldb,
              float beta, Storage c, long cOff, long cBatchStride, int ldc);

    /** Waits until all submitted work is done. */
    void synchronize();

    /** Releases every buffer and device resource this backend holds. */
    @Override
    void close();
}
