package iern.engine;

import iern.engine.Backend.Reduce;
import java.util.Arrays;

/**
 * Reductions and softmax, each along one axis through the {@code [outer, r, inner]} kernels.
 *
 * <pre>
 * op          forward                      backward
 * sum         reduce(SUM) axis by axis     expand g back over the summed axes
 * mean        sum / count                  (via sum and mul)
 * max/min     reduce(MAX/MIN)              g to the first extreme element (one-hot of argmax)
 * argmax      argmax kernel                none
 * softmax     softmax kernel               softmaxBackward with the saved output
 * logSoftmax  softmax kernel (log)         softmaxBackward (log)
 * </pre>
 */
final class Reductions {
    private Reductions() {}

    /** {@code [outer, r, inner]} around axis {@code a}. */
    static int[] split(int[] shape, int a) {
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < a; i++) {
            outer *= shape[i];
        }
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return new int[] {Math.toIntExact(outer), shape[a], Math.toIntExact(inner)};
    }

    private static int[] keepShape(int[] shape, boolean[] reduced) {
        int[] k = shape.clone();
        for (int i = 0; i < k.length; i++) {
            if (reduced[i]) {
                k[i] = 1;
            }
        }
        return k;
    }

    private static int[] dropShape(int[] shape, boolean[] reduced) {
        int n = 0;
        for (boolean r : reduced) {
            if (!r) {
                n++;
            }
        }
        int[] out = new int[n];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!reduced[i]) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    private static boolean[] axes(Tensor x, int[] dims, String op) {
        boolean[] reduced = new boolean[x.rank()];
        for (int d : dims) {
            int a = x.axis(d, op);
            if (reduced[a]) {
                throw new IllegalArgumentException(op + ": axis " + d + " listed twice for shape "
                        + Arrays.toString(x.shapeRef()));
            }
            reduced[a] = true;
        }
        return reduced;
    }

    /** Raw kernel: reduces axis {@code a} of {@code x} keeping it as extent 1. */
    static Tensor reduceAxis(Reduce op, Tensor x, int a) {
        int[] s = x.shapeRef();
        int[] osh = s.clone();
        osh[a] = 1;
        int[] ori = split(s, a);
        Tensor out = new Tensor(x.backend(), osh);
        if (ori[1] == 0 && op != Reduce.SUM) {
            throw new IllegalArgumentException("reduce: empty axis " + a + " of shape " + Arrays.toString(s));
        }
        x.backend().reduce(op, x.storage(), 0, out.storage(), 0, ori[0], ori[1], ori[2]);
        return out;
    }

    static Tensor sumAll(Tensor x) {
        int[] all = new int[x.rank()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return sum(x, all, false);
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduced = axes(x, dims, "sum");
        Tensor cur;
        if (x.rank() == 0) {
            cur = x.viewAs(new int[0]);
        } else {
            // Reduce the whole tensor as one [1, numel, 1] line when every axis goes: one pass, one kernel.
            boolean everything = true;
            for (boolean r : reduced) {
                everything &= r;
            }
            if (everything) {
                Tensor flat = x.viewAs(new int[] {Math.toIntExact(x.numel())});
                cur = reduceAxis(Reduce.SUM, flat, 0);
                flat.close();
            } else {
                cur = null;
                for (int a = x.rank() - 1; a >= 0; a--) {
                    if (!reduced[a]) {
                        continue;
                    }
                    Tensor next = reduceAxis(Reduce.SUM, cur == null ? x : cur, a);
                    if (cur != null) {
                        cur.close();
                    }
                    cur = next;
                }
                if (cur == null) {
                    cur = x.viewAs(x.shapeRef());
                }
            }
        }
        int[] target = keepDim ? keepShape(x.shapeRef(), reduced) : dropShape(x.shapeRef(), reduced);
        Tensor out = cur.viewAs(target);
        cur.close();
        if (!Autograd.needsGrad(x)) {
            return out;
        }
        int[] kept = keepShape(x.shapeRef(), reduced);
        return Autograd.record("sum", out, g -> new Tensor[] {g.reshape(kept).expand(x.shapeRef())}, x);
    }

    static Tensor meanAll(Tensor x) {
        int[] all = new int[x.rank()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return mean(x, all, false);
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduced = axes(x, dims, "mean");
        long count = 1;
        for (int i = 0; i < reduced.length; i++) {
            if (reduced[i]) {
                count *= x.shapeRef()[i];
            }
        }
        return sum(x, dims, keepDim).mul((float) (1.0 / count));
    }

    static Tensor extreme(Tensor x, int dim, boolean keepDim, boolean max) {
        String name = max ? "max" : "min";
        int a = x.axis(dim, name);
        Tensor kept = reduceAxis(max ? Reduce.MAX : Reduce.MIN, x, a);
        boolean[] reduced = new boolean[x.rank()];
        reduced[a] = true;
        Tensor out = keepDim ? kept : kept.viewAs(dropShape(x.shapeRef(), reduced));
        if (!keepDim) {
            kept.close();
        }
        if (!Autograd.needsGrad(x)) {
            return out;
        }
        if (!Autograd.needsGrad(x)) {
            return out;
        }
        int[] keptShape = keepShape(x.shapeRef(), reduced);
        return Autograd.record(name, out, g -> {
            Tensor idx;
            if (max) {
                idx = argmax(x, a, true);
            } else {
                Tensor neg = x.neg();
                idx = argmax(neg, a, true);
            }
            Tensor oneHot = positions(x, a).eq(idx);
            return new Tensor[] {oneHot.mul(g.reshape(keptShape))};
        }, x);
    }

    /** A tensor broadcastable to x whose values along axis {@code a} are 0, 1, 2, ... */
    private static Tensor positions(Tensor x, int a) {
        int n = x.shapeRef()[a];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        int[] s = new int[x.rank()];
        Arrays.fill(s, 1);
        s[a] = n;
        return Tensor.of(x.backend(), v, s);
    }

    static Tensor argmax(Tensor x, int dim, boolean keepDim) {
        int a = x.axis(dim, "argmax");
        int[] s = x.shapeRef();
        if (s[a] == 0) {
            throw new IllegalArgumentException("argmax: empty axis " + dim + " of shape " + Arrays.toString(s));
        }
        int[] ori = split(s, a);
        boolean[] reduced = new boolean[s.length];
        reduced[a] = true;
        Tensor out = new Tensor(x.backend(), keepDim ? keepShape(s, reduced) : dropShape(s, reduced));
        x.backend().argmax(x.storage(), 0, out.storage(), 0, ori[0], ori[1], ori[2]);
        return out;
    }

    static Tensor softmax(Tensor x, int dim, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        int a = x.axis(dim, name);
        int[] ori = split(x.shapeRef(), a);
        Backend be = x.backend();
        Tensor y = Tensor.output(be, x.shapeRef());
        be.softmax(x.storage(), y.storage(), ori[0], ori[1], ori[2], log);
        if (!Autograd.needsGrad(x)) {
            return y;
        }
        return Autograd.record(name, y, g -> {
            Tensor dx = Tensor.output(be, x.shapeRef());
            be.softmaxBackward(y.storage(), g.storage(), dx.storage(), ori[0], ori[1], ori[2], log);
            return new Tensor[] {dx};
        }, x);
    }
}
