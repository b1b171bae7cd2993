package iern.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape ops. Reshape shares storage; everything else copies through the strided
 * {@link Backend#copy} kernel, which also serves their backward rules.
 *
 * <pre>
 * op           forward                         backward
 * reshape      same storage, new shape         reshape g back
 * permute      strided copy                    permute g by the inverse
 * expand       copy with stride 0              sum g over the expanded axes
 * slice        copy of a window                zeros, g copied into the window
 * indexSelect  one copy per index              zeros, g added back per index
 * cat          copies into one output          slices of g
 * stack        unsqueeze + cat                 (via those)
 * </pre>
 */
final class Shapes {
    private Shapes() {}

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int free = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (free >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(newShape));
                }
                free = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: negative extent in " + Arrays.toString(newShape));
            } else {
                known *= s[i];
            }
        }
        if (free >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Arrays.toString(x.shapeRef())
                        + " (" + x.numel() + " elements) to " + Arrays.toString(newShape));
            }
            s[free] = Math.toIntExact(x.numel() / known);
            known *= s[free];
        }
        if (known != x.numel()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Arrays.toString(x.shapeRef()) + " ("
                    + x.numel() + " elements) to " + Arrays.toString(newShape) + " (" + known + " elements)");
        }
        int[] from = x.shapeRef();
        Tensor out = x.viewAs(Tensor.checkShape(s));
        if (!Autograd.needsGrad(x)) {
            return out;
        }
        return Autograd.record("reshape", out, g -> new Tensor[] {g.reshape(from)}, x);
    }

    static Tensor flatten(Tensor x, int from) {
        int f = x.rank() == 0 ? 0 : x.axis(from, "flatten");
        int[] s = new int[f + 1];
        System.arraycopy(x.shapeRef(), 0, s, 0, f);
        s[f] = -1;
        return reshape(x, s);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int r = x.rank();
        int a = dim < 0 ? dim + r + 1 : dim;
        if (a < 0 || a > r) {
            throw new IllegalArgumentException("unsqueeze: axis " + dim + " out of range for shape "
                    + Arrays.toString(x.shapeRef()));
        }
        int[] s = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            s[i] = i == a ? 1 : x.shapeRef()[j++];
        }
        return reshape(x, s);
    }

    static Tensor squeeze(Tensor x, int dim) {
        int a = x.axis(dim, "squeeze");
        if (x.shapeRef()[a] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + dim + " of shape " + Arrays.toString(x.shapeRef())
                    + " has extent " + x.shapeRef()[a] + ", not 1");
        }
        int[] s = new int[x.rank() - 1];
        for (int i = 0, j = 0; i < x.rank(); i++) {
            if (i != a) {
                s[j++] = x.shapeRef()[i];
            }
        }
        return reshape(x, s);
    }

    static Tensor permute(Tensor x, int[] perm) {
        int r = x.rank();
        if (perm.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " does not fit shape "
                    + Arrays.toString(x.shapeRef()));
        }
        int[] p = new int[r];
        boolean[] used = new boolean[r];
        for (int i = 0; i < r; i++) {
            p[i] = x.axis(perm[i], "permute");
            if (used[p[i]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " repeats an axis");
            }
            used[p[i]] = true;
        }
        int[] s = x.shapeRef();
        long[] xs = Tensor.contiguousStrides(s);
        int[] outShape = new int[r];
        long[] srcStrides = new long[r];
        for (int i = 0; i < r; i++) {
            outShape[i] = s[p[i]];
            srcStrides[i] = xs[p[i]];
        }
        Tensor out = Tensor.output(x.backend(), outShape);
        x.backend().copy(x.storage(), 0, srcStrides, out.storage(), 0, Tensor.contiguousStrides(outShape), outShape,
                false);
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) {
            inverse[p[i]] = i;
        }
        if (!Autograd.needsGrad(x)) {
            return out;
        }
        return Autograd.record("permute", out, g -> new Tensor[] {g.permute(inverse)}, x);
    }

    static Tensor transpose(Tensor x, int a, int b) {
        int[] perm = new int[x.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        int aa = x.axis(a, "transpose");
        int bb = x.axis(b, "transpose");
        perm[aa] = bb;
        perm[bb] = aa;
        return permute(x, perm);
    }

    static Tensor expand(Tensor x, int[] newShape) {
        int[] s = x.shapeRef();
        int lead = newShape.length - s.length;
        if (lead < 0) {
            throw new IllegalArgumentException("expand: cannot expand " + Arrays.toString(s) + " to fewer axes "
                    + Arrays.toString(newShape));
        }
        int[] target = newShape.clone();
        for (int i = 0; i < target.length; i++) {
            int d = i - lead;
            if (target[i] == -1) {
                if (d < 0) {
                    throw new IllegalArgumentException("expand: -1 in a new leading axis of " + Arrays.toString(newShape));
                }
                target[i] = s[d];
            }
            if (d >= 0 && s[d] != 1 && s[d] != target[i]) {
                throw new IllegalArgumentException("expand: cannot expand " + Arrays.toString(s) + " to "
                        + Arrays.toString(newShape) + " (axis " + i + ": " + s[d] + " is not 1)");
            }
        }
        Tensor out = Tensor.output(x.backend(), target);
        x.backend().copy(x.storage(), 0, Elementwise.broadcastStrides(s, target), out.storage(), 0,
                Tensor.contiguousStrides(target), target, false);
        if (!Autograd.needsGrad(x)) {
            return out;
        }
        return Autograd.record("expand", out, g -> new Tensor[] {Elementwise.sumTo(g, s)}, x);
    }

    /** Copies the window {@code [start, end)} of axis {@code a} of {@code src} into / from {@code dst}. */
    private static void copyWindow(Tensor src, Tensor dst, int a, int start, boolean intoWindow, boolean accumulate) {
        Tensor big = intoWindow ? dst : src;
        Tensor small = intoWindow ? src : dst;
        long[] bigStrides = Tensor.contiguousStrides(big.shapeRef());
        long[] smallStrides = Tensor.contiguousStrides(small.shapeRef());
        long off = start * bigStrides[a];
        if (intoWindow) {
            small.backend().copy(small.storage(), 0, smallStrides, big.storage(), off, bigStrides,
                    small.shapeRef(), accumulate);
        } else {
            big.backend().copy(big.storage(), off, bigStrides, small.storage(), 0, smallStrides,
                    small.shapeRef(), accumulate);
        }
    }

    static Tensor slice(Tensor x, int dim, int start, int end) {
        int a = x.axis(dim, "slice");
        int[] s = x.shapeRef();
        if (start < 0 || end > s[a] || start > end) {
            throw new IllegalArgumentException("slice: window [" + start + ", " + end + ") outside axis " + dim
                    + " of shape " + Arrays.toString(s));
        }
        int[] outShape = s.clone();
        outShape[a] = end - start;
        Tensor out = Tensor.output(x.backend(), outShape);
        copyWindow(x, out, a, start, false, false);
        if (!Autograd.needsGrad(x)) {
            return out;
        }
        return Autograd.record("slice", out, g -> {
            Tensor dx = new Tensor(x.backend(), s);
            copyWindow(g, dx, a, start, true, false);
            return new Tensor[] {dx};
        }, x);
    }

    static Tensor select(Tensor x, int dim, int index) {
        int a = x.axis(dim, "select");
        int n = x.shapeRef()[a];
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("select: index " + index + " outside axis " + dim + " of shape "
                    + Arrays.toString(x.shapeRef()));
        }
        return squeeze(slice(x, a, index, index + 1), a);
    }

    static Tensor indexSelect(Tensor x, int dim, int[] indices) {
        int a = x.axis(dim, "indexSelect");
        int[] s = x.shapeRef();
        for (int i : indices) {
            if (i < 0 || i >= s[a]) {
                throw new IllegalArgumentException("indexSelect: index " + i + " outside axis " + dim
                        + " of shape " + Arrays.toString(s));
            }
        }
        int[] outShape = s.clone();
        outShape[a] = indices.length;
        int[] one = s.clone();
        one[a] = 1;
        long[] xs = Tensor.contiguousStrides(s);
        long[] os = Tensor.contiguousStrides(outShape);
        Backend be = x.backend();
        Tensor out = new Tensor(be, outShape);
        for (int j = 0; j < indices.length; j++) {
            be.copy(x.storage(), indices[j] * xs[a], xs, out.storage(), j * os[a], os, one, false);
        }
        int[] idx = indices.clone();
        return Autograd.record("indexSelect", out, g -> {
            Tensor dx = new Tensor(be, s);
            for (int j = 0; j < idx.length; j++) {
                be.copy(g.storage(), j * os[a], os, dx.storage(), idx[j] * xs[a], xs, one, true);
            }
            return new Tensor[] {dx};
        }, x);
    }

    static Tensor cat(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cat: no tensors");
        }
        Tensor first = parts.get(0);
        int a = first.axis(dim, "cat");
        int[] outShape = first.shape();
        int total = 0;
        for (Tensor t : parts) {
            Elementwise.requireSameBackend("cat", first, t);
            int[] s = t.shapeRef();
            boolean ok = s.length == outShape.length;
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == a || s[i] == outShape[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("cat: shapes " + Arrays.toString(first.shapeRef()) + " and "
                        + Arrays.toString(s) + " differ outside axis " + dim);
            }
            total += s[a];
        }
        outShape[a] = total;
        Tensor out = Tensor.output(first.backend(), outShape);
        int[] starts = new int[parts.size()];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            starts[i] = at;
            copyWindow(parts.get(i), out, a, at, true, false);
            at += parts.get(i).shapeRef()[a];
        }
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        return Autograd.record("cat", out, g -> {
            Tensor[] gs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].requiresGrad()) {
                    gs[i] = Tensor.output(g.backend(), inputs[i].shapeRef());
                    copyWindow(g, gs[i], a, starts[i], false, false);
                }
            }
            return gs;
        }, inputs);
    }

    static Tensor stack(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("stack: no tensors");
        }
        int r = parts.get(0).rank();
        int a = dim < 0 ? dim + r + 1 : dim;
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor t : parts) {
            if (!Arrays.equals(t.shapeRef(), parts.get(0).shapeRef())) {
                throw new IllegalArgumentException("stack: shapes " + Arrays.toString(parts.get(0).shapeRef())
                        + " and " + Arrays.toString(t.shapeRef()) + " differ");
            }
            expanded.add(unsqueeze(t, a));
        }
        Tensor out = cat(expanded, a);
        for (Tensor t : expanded) {
            if (!t.requiresGrad()) {
                t.close();
            }
        }
        return out;
    }
}
