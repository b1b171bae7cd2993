package iern.engine;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Unary;
import java.util.Arrays;

/**
 * Elementwise ops: unary functions (one generic rule through {@link Backend#unaryBackward})
 * and broadcasting binary ops, whose gradients are summed back to each input's shape.
 *
 * <pre>
 * op        forward                  backward (g = output gradient)
 * unary f   unary(f)                 unaryBackward(f): g * f'(x)
 * add       a + b                    g, g
 * sub       a - b                    g, -g
 * mul       a * b                    g*b, g*a
 * div       a / b                    g/b, -g*out/b
 * pow       a ^ b                    g*b*a^(b-1), g*out*log(a)
 * maximum   max(a, b)                g where a>b (half on ties), g where b>a (half on ties)
 * minimum   min(a, b)                likewise with &lt;
 * eq/gt/ge  comparisons              none
 * </pre>
 */
final class Elementwise {
    private Elementwise() {}

    static Tensor unary(String name, Unary op, Tensor x, float a, float b) {
        Backend be = x.backend();
        Tensor y = Tensor.output(be, x.shapeRef());
        be.unary(op, x.storage(), 0, y.storage(), 0, x.numel(), a, b);
        if (!Autograd.needsGrad(x)) {
            return y;               // no rule, no input array: most ops of a step run under Grad.off
        }
        return Autograd.record(name, y, g -> {
            Tensor dx = Tensor.output(be, x.shapeRef());
            be.unaryBackward(op, x.storage(), y.storage(), g.storage(), dx.storage(), x.numel(), a, b, false);
            return new Tensor[] {dx};
        }, x);
    }

    /** The shape of a broadcast; {@code a} itself when the shapes are equal (the common case, no array made). */
    static int[] broadcastShape(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return a;
        }
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " cannot be broadcast (axis " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides reading a contiguous tensor of {@code shape} over the larger {@code out} shape (0 where broadcast). */
    static long[] broadcastStrides(int[] shape, int[] out) {
        long[] own = Tensor.contiguousStrides(shape);
        if (Arrays.equals(shape, out)) {
            return own;                 // shared, read only
        }
        long[] st = new long[out.length];
        int lead = out.length - shape.length;
        for (int i = 0; i < out.length; i++) {
            int d = i - lead;
            st[i] = d < 0 || (shape[d] == 1 && out[i] != 1) ? 0 : own[d];
        }
        return st;
    }

    static void requireSameBackend(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": tensors live on different backends (" + a.backend().name()
                    + " and " + b.backend().name() + ")");
        }
    }

    /** Raw broadcasting kernel call, no recording. */
    static Tensor apply(String name, Binary op, Tensor a, Tensor b) {
        requireSameBackend(name, a, b);
        int[] shape = broadcastShape(name, a.shapeRef(), b.shapeRef());
        Tensor out = Tensor.output(a.backend(), shape);
        a.backend().binary(op, a.storage(), 0, broadcastStrides(a.shapeRef(), shape),
                b.storage(), 0, broadcastStrides(b.shapeRef(), shape), out.storage(), 0, shape);
        return out;
    }

    static Tensor binary(String name, Binary op, Tensor a, Tensor b) {
        Tensor out = apply(name, op, a, b);
        switch (op) {
            case EQ, GT, GE -> {
                return out;
            }
            default -> { }
        }
        if (!Autograd.needsGrad(a, b)) {
            return out;
        }
        return Autograd.record(name, out, g -> {
            Tensor ga = null;
            Tensor gb = null;
            boolean needA = a.requiresGrad();
            boolean needB = b.requiresGrad();
            switch (op) {
                case ADD -> {
                    ga = needA ? g : null;
                    gb = needB ? g : null;
                }
                case SUB -> {
                    ga = needA ? g : null;
                    gb = needB ? g.neg() : null;
                }
                case MUL -> {
                    ga = needA ? g.mul(b) : null;
                    gb = needB ? g.mul(a) : null;
                }
                case DIV -> {
                    ga = needA ? g.div(b) : null;
                    gb = needB ? g.mul(out).div(b).neg() : null;
                }
                case POW -> {
                    ga = needA ? g.mul(b).mul(a.pow(b.sub(1f))) : null;
                    gb = needB ? g.mul(out).mul(a.log()) : null;
                }
                case MAX, MIN -> {
                    Tensor aWins = op == Binary.MAX ? a.gt(b) : b.gt(a);
                    Tensor half = a.eq(b).mul(0.5f);
                    Tensor wa = aWins.add(half);
                    ga = needA ? g.mul(wa) : null;
                    gb = needB ? g.mul(wa.neg().add(1f)) : null;
                }
                default -> throw new IllegalStateException("no gradient for " + op);
            }
            return new Tensor[] {
                ga == null ? null : sumTo(ga, a.shapeRef()),
                gb == null ? null : sumTo(gb, b.shapeRef())};
        }, a, b);
    }

    /** Sums {@code g} over the axes that were broadcast to reach its shape from {@code shape}. */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shapeRef();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: cannot reduce " + Arrays.toString(gs) + " to "
                    + Arrays.toString(shape));
        }
        int count = 0;
        int[] dims = new int[gs.length];
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
                dims[count++] = i;
            }
        }
        Tensor s = Reductions.sum(g, Arrays.copyOf(dims, count), true);
        return s.reshape(shape);
    }

    static Tensor dropout(Tensor x, float p, boolean training, long seed) {
        if (p < 0f || p > 1f) {
            throw new IllegalArgumentException("dropout: probability " + p + " outside [0, 1]");
        }
        if (!training || p == 0f) {
            return Shapes.reshape(x, x.shapeRef());
        }
        if (p == 1f) {
            return x.mul(0f);
        }
        Tensor u = Tensor.rand(x.backend(), Seed.of(seed), x.shapeRef());
        Tensor keep = apply("dropout", Binary.GE, u, Tensor.full(x.backend(), p, new int[0]));
        u.close();
        Tensor mask = keep.mul(1f / (1f - p));
        keep.close();
        return x.mul(mask);
    }
}
