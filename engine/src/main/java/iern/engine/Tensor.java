package iern.engine;

import java.util.Arrays;
import java.util.List;

/**
 * A float32 tensor: a shape and a contiguous row-major storage owned by a {@link Backend}.
 * Ops are methods that return new tensors and, when gradients are needed, record one graph
 * node (see {@link Autograd}). Every tensor is contiguous: {@link #reshape} and
 * {@link #detach} share storage with their source, while {@link #permute}, {@link #expand},
 * {@link #slice} and the like copy.
 *
 * <p>Memory: a tensor is {@link AutoCloseable}; {@link #close()} returns its storage to the
 * backend once no view uses it. Tensors created inside a {@link TensorScope} are closed by
 * the scope; see there for the ownership rule. Using a closed tensor is an error.
 *
 * <p>Shape errors name the op and the shapes involved.
 */
public final class Tensor implements AutoCloseable {

    private final int[] shape;
    private final long numel;
    private final Backend backend;
    private final Storage storage;
    /** The count of tensors using {@link #storage}, made by the first view; null while this is its only user. */
    private SharedStorage shared;
    private boolean requiresGrad;
    private boolean closed;
    Tensor grad;
    Node node;
    TensorScope scope;

    /** A new zero-filled tensor on {@code backend}. */
    Tensor(Backend backend, int[] shape) {
        this(backend, shape, true);
    }

    private Tensor(Backend backend, int[] shape, boolean zero) {
        this.shape = checkShape(shape);
        this.numel = numelOf(this.shape);
        this.backend = backend;
        this.storage = zero ? backend.allocate(numel) : backend.allocateUninitialized(numel);
        TensorScope.register(this);
    }

    /**
     * A tensor whose content is unspecified, for an op's output that its kernel overwrites
     * entirely (every {@link Backend} kernel overwrites unless it says it accumulates).
     */
    static Tensor output(Backend backend, int[] shape) {
        return new Tensor(backend, shape, false);
    }

    /** A view of {@code source}'s storage with another shape of the same size. */
    private Tensor(Tensor source, int[] shape) {
        this.shape = ShapeTable.intern(shape);
        this.numel = numelOf(shape);
        this.backend = source.backend;
        this.shared = source.share();
        this.storage = source.storage;
        TensorScope.register(this);
    }

    // ================================================================ factories

    public static Tensor zeros(int... shape) {
        return new Tensor(Engine.backend(), shape);
    }

    public static Tensor zeros(Backend backend, int... shape) {
        return new Tensor(backend, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        return full(Engine.backend(), value, shape);
    }

    public static Tensor full(Backend backend, float value, int... shape) {
        Tensor t = new Tensor(backend, shape);
        if (value != 0f) {
            backend.fill(t.storage(), 0, t.numel, value);
        }
        return t;
    }

    /** A tensor holding a copy of {@code values} (row-major) with {@code shape}; no shape means 1-d. */
    public static Tensor of(float[] values, int... shape) {
        return of(Engine.backend(), values, shape);
    }

    public static Tensor of(Backend backend, float[] values, int... shape) {
        int[] s = shape.length == 0 ? new int[] {values.length} : shape;
        if (numelOf(checkShape(s)) != values.length) {
            throw new IllegalArgumentException("Tensor.of: " + values.length + " values do not fill shape "
                    + Arrays.toString(s) + " (" + numelOf(s) + " elements)");
        }
        Tensor t = new Tensor(backend, s);
        backend.write(t.storage(), 0, values, 0, values.length);
        return t;
    }

    /** A 0-d tensor (shape {@code []}). */
    public static Tensor scalar(float value) {
        return full(value, new int[0]);
    }

    /**
     * Uniform [0, 1) values of {@code shape}: {@code Tensor.rand(Seed.of(3), 4, 5)} is [4, 5].
     * Element i depends only on (seed, i), on every backend. No shape gives a 0-d tensor.
     */
    public static Tensor rand(Seed seed, int... shape) {
        return rand(Engine.backend(), seed, shape);
    }

    public static Tensor rand(Backend backend, Seed seed, int... shape) {
        Tensor t = new Tensor(backend, shape);
        backend.randomUniform(t.storage(), 0, t.numel, seed.value());
        return t;
    }

    /**
     * Standard normal values of {@code shape} ({@code Tensor.randn(Seed.of(3), 4, 5)} is [4, 5])
     * by Box-Muller over the {@link RandomBits} stream of the seed (computed on the host, so
     * identical on every backend).
     */
    public static Tensor randn(Seed seed, int... shape) {
        return randn(Engine.backend(), seed, shape);
    }

    public static Tensor randn(Backend backend, Seed s, int... shape) {
        long seed = s.value();
        int n = (int) numelOf(checkShape(shape));
        float[] v = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1.0 - RandomBits.uniform(seed, i);      // (0, 1]: log stays finite
            double u2 = RandomBits.uniform(seed, i + 1);
            double r = Math.sqrt(-2.0 * Math.log(u1));
            v[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                v[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        Tensor t = new Tensor(backend, shape);
        backend.write(t.storage(), 0, v, 0, n);
        return t;
    }

    /** {@code [0, 1, ..., n-1]}. */
    public static Tensor arange(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return of(v, n);
    }

    public static Tensor zerosLike(Tensor t) {
        return new Tensor(t.backend, t.shape);
    }

    // ================================================================ metadata and data access

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Extent of axis {@code i}; negative counts from the end. */
    public int dim(int i) {
        return shape[axis(i, "dim")];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return numel;
    }

    public Backend backend() {
        return backend;
    }

    /** The storage (contiguous, offset 0, {@link #numel()} elements); for kernels, nn and optimisers. */
    public Storage storage() {
        if (closed) {
            throw new IllegalStateException("tensor " + Arrays.toString(shape) + " used after close()");
        }
        return storage;
    }

    public float[] toArray() {
        float[] out = new float[Math.toIntExact(numel)];
        backend.read(storage(), 0, out, 0, out.length);
        return out;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel != 1) {
            throw new IllegalStateException("item: tensor of shape " + Arrays.toString(shape) + " has " + numel
                    + " elements, not 1");
        }
        return toArray()[0];
    }

    /** A copy on {@code target} (the same tensor object if it already lives there). Not recorded. */
    public Tensor to(Backend target) {
        if (target == backend) {
            return this;
        }
        return of(target, toArray(), shape);
    }

    public boolean isClosed() {
        return closed;
    }

    // ================================================================ autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing a gradient (e.g. a parameter); returns this. */
    public Tensor requiresGrad(boolean flag) {
        if (node != null && !flag) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor (made by '" + node.op
                    + "'); use detach()");
        }
        requiresGrad = flag;
        return this;
    }

    void markRequiresGrad() {
        requiresGrad = true;
    }

    /** Whether this tensor was not produced by a recorded op. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The accumulated gradient of a leaf, or null before the first backward. */
    public Tensor grad() {
        return grad;
    }

    /** Name of the op that produced this tensor, or null for a leaf. */
    public String gradFn() {
        return node == null ? null : node.op;
    }

    /** Closes and clears the gradient. */
    public void zeroGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /** Back-propagates from this one-element tensor (seed 1) and frees the graph. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Back-propagates; {@code retainGraph} keeps the graph for another backward. */
    public void backward(boolean retainGraph) {
        Autograd.backward(this, null, retainGraph);
    }

    /** Back-propagates with an explicit output gradient of this tensor's shape. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** The same values without graph history; shares storage. */
    public Tensor detach() {
        return new Tensor(this, shape);
    }

    // ================================================================ in-place updates (never recorded)

    /** {@code this = src} elementwise (same shape); for optimisers and running statistics. */
    public Tensor copyFrom(Tensor src) {
        requireSameShape("copyFrom", src);
        long[] st = contiguousStrides(shape);
        backend.copy(src.storage(), 0, st, storage(), 0, st, shape, false);
        return this;
    }

    /** {@code this += src} elementwise (same shape). */
    public Tensor addInPlace(Tensor src) {
        requireSameShape("addInPlace", src);
        long[] st = contiguousStrides(shape);
        backend.copy(src.storage(), 0, st, storage(), 0, st, shape, true);
        return this;
    }

    /** {@code this *= factor}. */
    public Tensor mulInPlace(float factor) {
        backend.unary(Backend.Unary.MUL_SCALAR, storage(), 0, storage(), 0, numel, factor, 0f);
        return this;
    }

    /** Sets every element to {@code value}. */
    public Tensor fillInPlace(float value) {
        backend.fill(storage(), 0, numel, value);
        return this;
    }

    /** Overwrites the values from a host array of {@link #numel()} floats. */
    public Tensor write(float[] values) {
        if (values.length != numel) {
            throw new IllegalArgumentException("write: " + values.length + " values for a tensor of shape "
                    + Arrays.toString(shape) + " (" + numel + " elements)");
        }
        backend.write(storage(), 0, values, 0, values.length);
        return this;
    }

    private void requireSameShape(String op, Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(shape) + " and "
                    + Arrays.toString(other.shape) + " differ");
        }
        if (other.backend != backend) {
            throw new IllegalArgumentException(op + ": tensors live on different backends (" + backend.name()
                    + " and " + other.backend.name() + ")");
        }
    }

    // ================================================================ elementwise

    public Tensor add(Tensor o) { return Elementwise.binary("add", Backend.Binary.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary("sub", Backend.Binary.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary("mul", Backend.Binary.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary("div", Backend.Binary.DIV, this, o); }
    public Tensor pow(Tensor o) { return Elementwise.binary("pow", Backend.Binary.POW, this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.binary("maximum", Backend.Binary.MAX, this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.binary("minimum", Backend.Binary.MIN, this, o); }
    /** 1 where equal, else 0 (no gradient). */
    public Tensor eq(Tensor o) { return Elementwise.binary("eq", Backend.Binary.EQ, this, o); }
    public Tensor gt(Tensor o) { return Elementwise.binary("gt", Backend.Binary.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.binary("ge", Backend.Binary.GE, this, o); }

    public Tensor add(float s) { return Elementwise.unary("add", Backend.Unary.ADD_SCALAR, this, s, 0f); }
    public Tensor sub(float s) { return Elementwise.unary("sub", Backend.Unary.ADD_SCALAR, this, -s, 0f); }
    public Tensor mul(float s) { return Elementwise.unary("mul", Backend.Unary.MUL_SCALAR, this, s, 0f); }
    public Tensor div(float s) { return Elementwise.unary("div", Backend.Unary.MUL_SCALAR, this, 1f / s, 0f); }
    public Tensor pow(float e) { return Elementwise.unary("pow", Backend.Unary.POW_SCALAR, this, e, 0f); }
    public Tensor neg() { return Elementwise.unary("neg", Backend.Unary.NEG, this, 0f, 0f); }
    public Tensor exp() { return Elementwise.unary("exp", Backend.Unary.EXP, this, 0f, 0f); }
    public Tensor log() { return Elementwise.unary("log", Backend.Unary.LOG, this, 0f, 0f); }
    public Tensor sqrt() { return Elementwise.unary("sqrt", Backend.Unary.SQRT, this, 0f, 0f); }
    public Tensor rsqrt() { return Elementwise.unary("rsqrt", Backend.Unary.RSQRT, this, 0f, 0f); }
    public Tensor square() { return Elementwise.unary("square", Backend.Unary.SQUARE, this, 0f, 0f); }
    public Tensor abs() { return Elementwise.unary("abs", Backend.Unary.ABS, this, 0f, 0f); }
    public Tensor reciprocal() { return Elementwise.unary("reciprocal", Backend.Unary.RECIPROCAL, this, 0f, 0f); }
    public Tensor relu() { return Elementwise.unary("relu", Backend.Unary.RELU, this, 0f, 0f); }
    public Tensor leakyRelu(float slope) { return Elementwise.unary("leakyRelu", Backend.Unary.LEAKY_RELU, this, slope, 0f); }
    public Tensor sigmoid() { return Elementwise.unary("sigmoid", Backend.Unary.SIGMOID, this, 0f, 0f); }
    public Tensor tanh() { return Elementwise.unary("tanh", Backend.Unary.TANH, this, 0f, 0f); }
    public Tensor clamp(float lo, float hi) { return Elementwise.unary("clamp", Backend.Unary.CLAMP, this, lo, hi); }

    /** Zeroes each element with probability {@code p} and scales the rest by 1/(1-p); identity when not training. */
    public Tensor dropout(float p, boolean training, long seed) { return Elementwise.dropout(this, p, training, seed); }

    // ================================================================ reductions

    /** Sum of all elements, shape {@code []}. */
    public Tensor sum() { return Reductions.sumAll(this); }
    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[] {dim}, keepDim); }
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }
    public Tensor mean() { return Reductions.meanAll(this); }
    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[] {dim}, keepDim); }
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }
    /** Maximum along {@code dim}; the gradient goes to the first maximum. */
    public Tensor max(int dim, boolean keepDim) { return Reductions.extreme(this, dim, keepDim, true); }
    public Tensor min(int dim, boolean keepDim) { return Reductions.extreme(this, dim, keepDim, false); }
    /** Maximum of all elements, shape {@code []}. */
    public Tensor max() { return reshape(-1).max(0, false); }
    public Tensor min() { return reshape(-1).min(0, false); }
    /** Index of the first maximum along {@code dim} as float values (no gradient). */
    public Tensor argmax(int dim, boolean keepDim) { return Reductions.argmax(this, dim, keepDim); }
    public Tensor argmax(int dim) { return Reductions.argmax(this, dim, false); }
    public Tensor softmax(int dim) { return Reductions.softmax(this, dim, false); }
    public Tensor logSoftmax(int dim) { return Reductions.softmax(this, dim, true); }

    // ================================================================ shape

    /** Same storage, new shape (one extent may be -1). */
    public Tensor reshape(int... newShape) { return Shapes.reshape(this, newShape); }
    public Tensor view(int... newShape) { return Shapes.reshape(this, newShape); }
    /** Merges axes {@code from..} into one. */
    public Tensor flatten(int from) { return Shapes.flatten(this, from); }
    public Tensor unsqueeze(int dim) { return Shapes.unsqueeze(this, dim); }
    /** Removes axis {@code dim}, which must have extent 1. */
    public Tensor squeeze(int dim) { return Shapes.squeeze(this, dim); }
    public Tensor permute(int... perm) { return Shapes.permute(this, perm); }
    public Tensor transpose(int a, int b) { return Shapes.transpose(this, a, b); }
    /** Broadcasts axes of extent 1 (and new leading axes) to {@code newShape}; -1 keeps an extent. */
    public Tensor expand(int... newShape) { return Shapes.expand(this, newShape); }
    /** Every tensor is contiguous: returns this. */
    public Tensor contiguous() { return this; }
    /** Elements {@code [start, end)} of axis {@code dim}. */
    public Tensor slice(int dim, int start, int end) { return Shapes.slice(this, dim, start, end); }
    /** Element {@code index} of axis {@code dim}; the axis is removed. */
    public Tensor select(int dim, int index) { return Shapes.select(this, dim, index); }
    public Tensor indexSelect(int dim, int[] indices) { return Shapes.indexSelect(this, dim, indices); }
    public static Tensor cat(List<Tensor> parts, int dim) { return Shapes.cat(parts, dim); }
    public static Tensor stack(List<Tensor> parts, int dim) { return Shapes.stack(parts, dim); }

    // ================================================================ linear algebra

    /** Matrix product of the last two axes; leading (batch) axes broadcast. */
    public Tensor matmul(Tensor o) { return LinearAlgebra.matmul(this, o); }

    // Convolution and pooling are kernel ops: iern.engine.ops.Convolution.conv2d,
    // iern.engine.ops.Pooling.maxPool2d, avgPool2d, adaptiveAvgPool2d.

    // ================================================================ lifecycle

    /** Returns the storage to the backend once no view uses it; closes a leaf's gradient too. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        TensorScope.disown(this);
        releaseStorage();
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    @Override
    public String toString() {
        if (closed) {
            return "Tensor" + Arrays.toString(shape) + "(closed)";
        }
        float[] v = numel <= 8 ? toArray() : null;
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape));
        if (v != null) {
            sb.append(Arrays.toString(v));
        }
        if (node != null) {
            sb.append(" grad_fn=").append(node.op);
        } else if (requiresGrad) {
            sb.append(" requires_grad");
        }
        return sb.toString();
    }

    // ================================================================ package helpers for the op families

    /** A new view of this tensor's storage with {@code newShape} (same element count). */
    Tensor viewAs(int[] newShape) {
        storage();
        return new Tensor(this, newShape);
    }

    /** The storage's use count, shared with a new view (created on the first view). */
    private synchronized SharedStorage share() {
        if (shared == null) {
            if (closed) {
                throw new IllegalStateException("tensor storage used after close()");
            }
            shared = new SharedStorage(storage);
        }
        shared.retain();
        return shared;
    }

    private synchronized SharedStorage shared() {
        return shared;
    }

    /** Hands the storage back to the backend, or, when views share it, once the last of them is closed. */
    private synchronized void releaseStorage() {
        if (shared == null) {
            storage.close();
        } else {
            shared.release();
        }
    }

    boolean exclusiveStorage() {
        SharedStorage s = shared();
        return s == null || s.exclusive();
    }

    int[] shapeRef() {
        return shape;
    }

    int axis(int i, String op) {
        int r = shape.length;
        int a = i < 0 ? i + r : i;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException(op + ": axis " + i + " out of range for shape "
                    + Arrays.toString(shape));
        }
        return a;
    }

    static int[] checkShape(int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
        }
        if (shape.length > 8) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds 8 in shape "
                    + Arrays.toString(shape));
        }
        return ShapeTable.intern(shape);
    }

    static long numelOf(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Row-major strides of {@code shape}, shared by every caller (see {@link ShapeTable}): read only. */
    static long[] contiguousStrides(int[] shape) {
        return ShapeTable.strides(shape);
    }
}
