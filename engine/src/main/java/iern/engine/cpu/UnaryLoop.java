package iern.engine.cpu;

import iern.engine.Backend.Unary;

/**
 * The scalar loops of one unary op over the op table's formulas, computed in double and
 * rounded once. {@link PerOpClasses} makes one copy of this class per op, so each copy's calls
 * see one formula and the JIT inlines it.
 */
final class UnaryLoop implements CpuElementwise.UnaryKernel {
    private final Unary.Function f;
    private final Unary.Derivative df;

    UnaryLoop(Unary op) {
        this.f = op.function();
        this.df = op.derivativeFunction();
    }

    @Override
    public void forward(float[] x, int xo, float[] y, int yo, int i0, int i1, float a, float b) {
        Unary.Function f = this.f;
        for (int i = i0; i < i1; i++) {
            y[yo + i] = (float) f.at(x[xo + i], a, b);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int i0, int i1, float a, float b,
                         boolean acc) {
        Unary.Derivative df = this.df;
        for (int i = i0; i < i1; i++) {
            float g = (float) (dy[i] * df.at(x[i], y[i], a, b));
            dx[i] = acc ? dx[i] + g : g;
        }
    }
}
