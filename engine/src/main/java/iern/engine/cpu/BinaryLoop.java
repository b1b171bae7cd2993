package iern.engine.cpu;

import iern.engine.Backend.Binary;

/**
 * The row loops of one binary op over the op table's formula, computed in double and rounded
 * once (for + - * / exactly the float result). {@link PerOpClasses} makes one copy of this
 * class per op, so each copy's calls see one formula and the JIT inlines it. Each method has
 * one loop with one call: a second, not yet reached call site in a compiled method would stay
 * a virtual call.
 */
final class BinaryLoop implements CpuElementwise.BinaryKernel {
    private final Binary.Function f;

    BinaryLoop(Binary op) {
        this.f = op.function();
    }

    @Override
    public void contiguous(float[] a, int ai, float[] b, int bi, float[] out, int oi, int n) {
        Binary.Function f = this.f;
        for (int i = 0; i < n; i++) {
            out[oi + i] = (float) f.at(a[ai + i], b[bi + i]);
        }
    }

    @Override
    public void strided(float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int oi, int n) {
        Binary.Function f = this.f;
        for (int i = 0; i < n; i++, ai += as, bi += bs) {
            out[oi + i] = (float) f.at(a[ai], b[bi]);
        }
    }
}
